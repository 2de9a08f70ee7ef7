import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditTopup } from "@/lib/ledger";
import { LEDGER_CSV_COLUMNS, ledgerCsvStream } from "@/lib/queries/ledger-csv";
import { makeOrg } from "../support/factories";
import { createTestDb, type TestDb } from "../support/test-db";

// The ledger CSV export (the Billing page's "Export CSV") streamed from a real database page by page.
let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  const decoder = new TextDecoder();
  let text = "";
  let chunks = 0;
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks++;
    text += decoder.decode(r.value, { stream: true });
  }
  return { text: text + decoder.decode(), chunks };
}

const HEADER = LEDGER_CSV_COLUMNS.join(",");

describe("ledgerCsvStream", () => {
  it("exports a large history completely, newest first, in keyset pages — and nothing of other orgs", async () => {
    const org = await makeOrg(t.db, { topup: 20_000 });
    const other = await makeOrg(t.db, { topup: 20_000 });
    // usage history written in bulk (the test's shortcut; the app writes entries only through lib/ledger),
    // interleaved with another org's entries so ids are not contiguous
    await t.sql`
      INSERT INTO ledger_entries (org_id, pool, delta, kind, reference, balance_after)
      SELECT CASE WHEN i % 3 = 0 THEN ${other.id}::uuid ELSE ${org.id}::uuid END, 'topup', -1, 'usage', 'u-' || i, 20000 - i
      FROM generate_series(1, 15000) AS i`;
    const expected = (await t.sql<{ id: string }[]>`SELECT id::text FROM ledger_entries WHERE org_id = ${org.id} ORDER BY ledger_entries.id DESC`).map(
      (r) => r.id,
    );
    expect(expected.length).toBe(10_001); // 10,000 usage entries + the factory's top-up

    const { text, chunks } = await readAll(ledgerCsvStream(t.db, org.id, { pageSize: 1000 }));
    const lines = text.split("\n");
    expect(lines.pop()).toBe(""); // ends with a newline
    expect(lines[0]).toBe(HEADER);
    const rows = lines.slice(1).map((l) => l.split(","));
    expect(rows.map((r) => r[0])).toEqual(expected); // every entry once, newest first
    expect(chunks).toBe(11); // one chunk per page, not one string
    expect(rows[0]).toEqual([
      expected[0],
      expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      "usage",
      "topup",
      "-1",
      expect.any(String),
      expect.stringMatching(/^u-\d+$/),
      "call", // a usage entry without an event row: a plain debit on the default meter
      "",
    ]);
    expect(rows.at(-1)!.slice(2, 6)).toEqual(["adjustment", "topup", "20000", "20000"]);
  });

  it("quotes references with commas, quotes, newlines and carriage returns (RFC 4180); null references are empty", async () => {
    const org = await makeOrg(t.db);
    const refs = ["a,b", 'say "hi"', "line1\nline2", "cr\rhere", "plain"];
    for (const [i, reference] of refs.entries()) await creditTopup(t.db, { orgId: org.id, credits: 1, kind: "adjustment", reference, idempotencyKey: `k${i}` });
    await t.sql`INSERT INTO ledger_entries (org_id, pool, delta, kind, reference, balance_after) VALUES (${org.id}, 'topup', -1, 'usage', NULL, 4)`;
    const { text } = await readAll(ledgerCsvStream(t.db, org.id, { pageSize: 2 }));
    // ids and timestamps aside, the exact bytes (newest first)
    expect(text.replace(/^\d+,\d{4}-\d\d-\d\dT[\d:.]+Z,/gm, "")).toBe(
      [
        HEADER,
        "usage,topup,-1,4,,call,",
        "adjustment,topup,1,5,plain,,",
        'adjustment,topup,1,4,"cr\rhere",,',
        'adjustment,topup,1,3,"line1\nline2",,',
        'adjustment,topup,1,2,"say ""hi""",,',
        'adjustment,topup,1,1,"a,b",,',
        "",
      ].join("\n"),
    );
  });

  it("an org without entries exports the header only", async () => {
    const org = await makeOrg(t.db);
    expect((await readAll(ledgerCsvStream(t.db, org.id))).text).toBe(`${HEADER}\n`);
  });
});
