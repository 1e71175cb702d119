import { describe, expect, it } from 'vitest';
import { buildOpenApi } from '../../gateway/openapi.ts';
import { openApiDoc, schemaErrors } from './openapi-validator.ts';

describe('docs/openapi/farm-api.json', () => {
  it('is current with the protocol schemas (regenerate: node gateway/openapi.ts --write)', () => {
    expect(openApiDoc).toEqual(buildOpenApi());
  });

  it('documents every route the gateway serves, and its schemas compile and discriminate', () => {
    expect(Object.keys(openApiDoc.paths).sort()).toEqual(
      [
        '/api/commands',
        '/api/commands/{id}',
        '/api/data/current',
        '/api/data/history',
        '/api/health',
        '/api/info',
        '/api/stream',
      ].sort(),
    );
    expect(openApiDoc.openapi).toBe('3.1.0');
    expect(
      schemaErrors('#/components/schemas/StreamMessage', {
        type: 'hello',
        farmId: 'f',
        seq: 1,
        oldestSeq: 1,
      }),
    ).toBeNull();
    expect(schemaErrors('#/components/schemas/StreamMessage', { type: 'hello', farmId: 'f' })).not.toBeNull();
    expect(
      schemaErrors('#/components/schemas/CommandRequest', {
        id: 'a',
        action: 'open',
        target: 'v',
        expiresAt: '2026-01-01T00:00:00Z',
      }),
    ).toBeNull();
    expect(
      schemaErrors('#/components/schemas/CommandRequest', {
        id: 'a',
        action: 'open',
        target: 'v',
        expiresAt: 'soon',
      }),
    ).not.toBeNull();
  });
});
