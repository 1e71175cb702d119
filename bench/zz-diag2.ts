import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.duration > 30) console.log('GC', e.duration.toFixed(0));
});
obs.observe({ entryTypes: ['gc'] });
await import('./zz-diag.ts');
