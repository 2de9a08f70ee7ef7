/**
 * Side effects go through this tiny queue interface. In the app it is pg-boss on our Postgres
 * (`startJobWorker`, or a send-only instance started lazily); tests may install an inline runner.
 */
export type JobName = "recharge.charge" | "recharge.trigger" | "reconcile" | "email" | "plans.free-periods";

export interface JobSender {
  send(name: JobName, data: Record<string, unknown>, opts?: { singletonKey?: string }): Promise<void>;
}

const holder = globalThis as unknown as { refillJobSender?: JobSender | null; refillJobSenderFactory?: () => Promise<JobSender> };

export function setJobSender(sender: JobSender | null): void {
  holder.refillJobSender = sender;
}

/** Registers how to build a sender when none is installed (the app: a send-only pg-boss). */
export function setJobSenderFactory(factory: () => Promise<JobSender>): void {
  holder.refillJobSenderFactory = factory;
}

export async function enqueueJob(name: JobName, data: Record<string, unknown>, opts?: { singletonKey?: string }): Promise<void> {
  if (!holder.refillJobSender) {
    if (!holder.refillJobSenderFactory) throw new Error(`No job queue configured (job ${name})`);
    holder.refillJobSender = await holder.refillJobSenderFactory();
  }
  await holder.refillJobSender.send(name, data, opts);
}
