/** How long an `async` consumer of the lease workload works on each response (ms). */
export const ASYNC_WORK_MS = 700;
