/** Parses Stripe's form encoding (`a[b]=v`, `a[0]=x`, `a[]=x`) into nested objects and arrays. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- form-encoded input has any shape; each resource reads and checks its fields
export type Params = Record<string, any>;

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first < 0) return [key];
  const segments = [key.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  let match: RegExpExecArray | null;
  while ((match = re.exec(key.slice(first))) !== null) segments.push(match[1]!);
  return segments;
}

function setDeep(target: Params, segments: string[], value: string): void {
  let node: Params = target;
  for (let i = 0; i < segments.length; i++) {
    let segment = segments[i]!;
    if (segment === '') segment = String(Object.keys(node).length);
    if (i === segments.length - 1) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (typeof next !== 'object' || next === null) node[segment] = {};
    node = node[segment] as Params;
  }
}

function normalizeArrays(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Params;
  const keys = Object.keys(record);
  for (const key of keys) record[key] = normalizeArrays(record[key]);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => record[k]);
  }
  return record;
}

export function parseForm(body: string): Params {
  const root: Params = {};
  for (const part of body.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    if (key) setDeep(root, splitKey(key), value);
  }
  const normalized = normalizeArrays(root) as Params;
  // a top-level object always stays an object even if keys look numeric
  return Array.isArray(normalized) ? { ...normalized } : normalized;
}
