import { createRequire } from "node:module";
import path from "node:path";
import pino, { type DestinationStream, type Logger } from "pino";
import { env } from "@/lib/env";

/**
 * Structured logs (pino): one JSON object per line on stdout — `{level: "info", time: ISO-8601, msg, …fields}`,
 * errors under `err` as `{type, message, stack}`. Use `childLogger({ orgId, attemptId, eventId, requestId })` so
 * every line of one piece of work carries the ids an operator greps for; pass the error as `{ err }`.
 *
 * `LOG_LEVEL` (default `info`; `silent` turns logs off). `LOG_PRETTY=1` in development prints human-readable
 * lines through `pino-pretty` when that optional package is installed (`npm i -D pino-pretty`), JSON otherwise.
 * One logger per process, kept on `globalThis` (Next.js bundles and tsx-loaded modules share it).
 */
export type { Logger } from "pino";

/** The ids a log line of one piece of work carries (all optional). */
export interface LogContext {
  orgId?: string;
  attemptId?: string;
  /** a Stripe event id (`evt_…`) */
  eventId?: string;
  requestId?: string;
  [key: string]: unknown;
}

/** A logger writing JSON lines to `destination` (stdout when omitted) at `level`. For the app and tests. */
export function createLogger(opts: { level?: string; destination?: DestinationStream; pretty?: boolean } = {}): Logger {
  const options: pino.LoggerOptions = {
    level: opts.level ?? "info",
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  };
  if (opts.pretty && !opts.destination && prettyAvailable()) {
    return pino({ ...options, transport: { target: PRETTY, options: { colorize: true } } });
  }
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** The optional dev dependency, named at run time (bundlers must not try to resolve it at build time). */
const PRETTY = ["pino", "pretty"].join("-");

function prettyAvailable(): boolean {
  try {
    createRequire(path.join(process.cwd(), "package.json")).resolve(PRETTY);
    return true;
  } catch {
    return false;
  }
}

const holder = globalThis as unknown as { refillLogger?: Logger };

/** The process's logger (created on first use from `LOG_LEVEL` / `LOG_PRETTY`). */
function getLogger(): Logger {
  if (!holder.refillLogger) {
    const e = env();
    holder.refillLogger = createLogger({ level: e.LOG_LEVEL, pretty: e.LOG_PRETTY && e.NODE_ENV !== "production" });
  }
  return holder.refillLogger;
}

/** For tests: route the process's logs to another logger (null: back to the default on next use). */
export function setLogger(logger: Logger | null): void {
  holder.refillLogger = logger ?? undefined;
}

/** A child of the process's logger whose every line carries `context` (plus `component` when given). */
export function childLogger(context: LogContext & { component?: string }): Logger {
  return getLogger().child(context);
}

/**
 * The process's logger, resolved on each call (so `setLogger` and a late `LOG_LEVEL` apply):
 * `logger.info({ orgId }, "message")`, `logger.error({ err, attemptId }, "what failed")`.
 */
export const logger = {
  trace: (obj: object | string, msg?: string) => log("trace", obj, msg),
  debug: (obj: object | string, msg?: string) => log("debug", obj, msg),
  info: (obj: object | string, msg?: string) => log("info", obj, msg),
  warn: (obj: object | string, msg?: string) => log("warn", obj, msg),
  error: (obj: object | string, msg?: string) => log("error", obj, msg),
  fatal: (obj: object | string, msg?: string) => log("fatal", obj, msg),
};

function log(level: "trace" | "debug" | "info" | "warn" | "error" | "fatal", obj: object | string, msg?: string): void {
  const l = getLogger();
  if (typeof obj === "string") l[level](obj);
  else l[level](obj, msg);
}
