import type { ReactNode } from "react";
// The components one by one, not the @react-email/components barrel: the barrel also loads Tailwind, Markdown and
// Prism (code blocks), about 0.4 s per process that sends mail (and per test file), for components never used here.
import { Body } from "@react-email/body";
import { Container } from "@react-email/container";
import { Head } from "@react-email/head";
import { Heading } from "@react-email/heading";
import { Hr } from "@react-email/hr";
import { Html } from "@react-email/html";
import { Link } from "@react-email/link";
import { Preview } from "@react-email/preview";
import { Section } from "@react-email/section";
import { Text } from "@react-email/text";

/** Inline styles (email clients ignore stylesheets): one neutral, readable look for every billing email. */
const s = {
  body: { backgroundColor: "#f4f4f5", fontFamily: "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif", margin: 0 },
  container: { backgroundColor: "#ffffff", border: "1px solid #e4e4e7", borderRadius: "8px", margin: "32px auto", maxWidth: "560px", padding: "32px" },
  brand: { color: "#71717a", fontSize: "13px", letterSpacing: "0.02em", margin: "0 0 4px" },
  heading: { color: "#18181b", fontSize: "20px", fontWeight: 600, lineHeight: "28px", margin: "0 0 16px" },
  text: { color: "#27272a", fontSize: "15px", lineHeight: "24px", margin: "0 0 12px" },
  details: { backgroundColor: "#fafafa", border: "1px solid #e4e4e7", borderRadius: "6px", margin: "16px 0", padding: "12px 16px" },
  detail: { color: "#27272a", fontSize: "14px", lineHeight: "22px", margin: "2px 0" },
  button: {
    backgroundColor: "#18181b",
    borderRadius: "6px",
    color: "#ffffff",
    display: "inline-block",
    fontSize: "14px",
    fontWeight: 600,
    padding: "10px 16px",
    textDecoration: "none",
  },
  hr: { borderColor: "#e4e4e7", margin: "24px 0 16px" },
  footer: { color: "#71717a", fontSize: "12px", lineHeight: "18px", margin: "0 0 4px" },
  link: { color: "#2563eb" },
};

/**
 * The frame of every billing email: the org's name on top, a heading, the body, and a footer with the
 * manage link to the org's Billing page (absolute APP_URL link).
 */
export function EmailLayout(p: {
  orgName: string;
  preview: string;
  heading: string;
  billingUrl: string;
  /** the footer's link: the Billing page by default ("Manage billing") */
  manage?: { label: string; url: string };
  children: ReactNode;
}) {
  const manage = p.manage ?? { label: "Manage billing", url: p.billingUrl };
  return (
    <Html lang="en">
      <Head />
      <Preview>{p.preview}</Preview>
      <Body style={s.body}>
        <Container style={s.container}>
          <Text style={s.brand}>Refill · {p.orgName}</Text>
          <Heading as="h1" style={s.heading}>
            {p.heading}
          </Heading>
          {p.children}
          <Hr style={s.hr} />
          <Text style={s.footer}>
            {manage.label}:{" "}
            <Link href={manage.url} style={s.link}>
              {manage.url}
            </Link>
          </Text>
          <Text style={s.footer}>You receive this email as an owner or billing contact of {p.orgName}. — Refill</Text>
        </Container>
      </Body>
    </Html>
  );
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={s.text}>{children}</Text>;
}

/** "Label: value" lines in a box; the plain-text part reads the same lines. */
export function Details({ rows }: { rows: [label: string, value: string][] }) {
  return (
    <Section style={s.details}>
      {rows.map(([label, value]) => (
        <div key={label} style={s.detail}>
          {label}: <strong>{value}</strong>
        </div>
      ))}
    </Section>
  );
}

/** A call to action: a button, then "label: url" (the plain-text part keeps only that line). */
export function Action({ label, href }: { label: string; href: string }) {
  return (
    <Section style={{ margin: "20px 0" }}>
      <Link href={href} style={s.button} data-skip-in-text="true">
        {label}
      </Link>
      <Text style={s.footer}>
        {label}:{" "}
        <Link href={href} style={s.link}>
          {href}
        </Link>
      </Text>
    </Section>
  );
}
