/** Canned answers the simulated servers give instead of their normal one, and the log of what they received. */
import type { SimFault, SimRequestRecord } from './model-types.ts';

export class SimFaults {
  readonly #faults: Array<SimFault & { left: number }> = [];
  /** Last requests received by the simulated servers (bounded). */
  readonly requests: SimRequestRecord[] = [];

  inject(fault: SimFault): void {
    this.#faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Record a request and return the fault that answers it, if any. */
  intercept(record: SimRequestRecord): SimFault | undefined {
    this.requests.push(record);
    if (this.requests.length > 1000) this.requests.splice(0, this.requests.length - 1000);
    const i = this.#faults.findIndex(
      (f) =>
        f.server === record.server &&
        (f.method === undefined || f.method === record.method) &&
        (typeof f.path === 'string' ? f.path === record.path : f.path.test(record.path)),
    );
    if (i === -1) return undefined;
    const fault = this.#faults[i]!;
    fault.left -= 1;
    if (fault.left <= 0) this.#faults.splice(i, 1);
    return fault;
  }
}
