import type { ReactElement } from "react";
import { render } from "@react-email/render";
import type { EmailContent } from "../emails";

/** Headings keep their case in the plain-text part (html-to-text upper-cases them by default). */
const htmlToTextOptions = { selectors: ["h1", "h2", "h3"].map((selector) => ({ selector, options: { uppercase: false } })) };

/** One react-email element → the HTML part and the plain-text part of an email. */
export async function renderEmail(subject: string, element: ReactElement): Promise<EmailContent> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true, htmlToTextOptions })]);
  return { subject, text, html };
}
