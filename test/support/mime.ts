/** A received message split into its headers' subject and decoded text/plain and text/html parts. */
export interface ParsedMail {
  subject: string;
  text: string;
  html: string;
}

function decodePart(headers: string, body: string): string {
  const enc = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (enc === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (enc === "quoted-printable") {
    const soft = body.replace(/=\r?\n/g, "");
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === "=" && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
        bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i]!, "utf8"));
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return body;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / ?B?) in a header. */
function decodeHeader(v: string): string {
  return v
    .replace(/\r?\n\s+/g, " ")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, kind: string, data: string) =>
      kind.toUpperCase() === "B"
        ? Buffer.from(data, "base64").toString("utf8")
        : decodePart("content-transfer-encoding: quoted-printable", data.replace(/_/g, " ")),
    );
}

/** Parses nodemailer's output (single part or multipart/alternative) — enough for our billing emails. */
export function parseMail(raw: string): ParsedMail {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split);
  const subject = decodeHeader(/^subject:\s*(.*(?:\r?\n\s+.*)*)/im.exec(head)?.[1] ?? "");
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(head)?.[1];
  const parts = boundary ? raw.slice(split).split(`--${boundary}`).slice(1, -1) : [raw];
  const out: ParsedMail = { subject, text: "", html: "" };
  for (const part of parts) {
    const i = part.indexOf("\r\n\r\n");
    const headers = part.slice(0, i);
    const body = part.slice(i + 4).replace(/\r\n$/, "");
    if (/content-type:\s*text\/html/i.test(headers)) out.html = decodePart(headers, body);
    else if (/content-type:\s*text\/plain/i.test(headers)) out.text = decodePart(headers, body);
  }
  return out;
}

/** Every `href` of an HTML part, entity-decoded. */
export function hrefsOf(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
}
