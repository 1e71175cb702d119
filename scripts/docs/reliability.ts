/**
 * Regenerate docs/reliability.md from the figures the last netbed and realnet runs saved in
 * test-results/netbed/ (`npm run test:netbed && npm run test:realnet && npm run docs:reliability`).
 */
import { writeReliabilityDoc } from '../../test/netbed/report.ts';

writeReliabilityDoc();
process.stdout.write('docs/reliability.md written from test-results/netbed/\n');
