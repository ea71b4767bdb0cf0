import { createGuestRealm, loadIntoGuestRealm, WIRE_SOURCE_ENTRY } from '@tsvisor/wire/testing';
import { describe, expect, it } from 'vitest';
import type * as SchemaModule from './schema.js';

const guestRealm = createGuestRealm;
const loadInto = (realm: ReturnType<typeof createGuestRealm>, entry: URL): object => loadIntoGuestRealm(realm, entry, { '@tsvisor/wire': WIRE_SOURCE_ENTRY });

describe('configuration schemas in a guest realm', () => {
  const { schema } = loadInto(guestRealm(), new URL('./schema.ts', import.meta.url)) as typeof SchemaModule;

  it('parse and describe themselves with JavaScript built-ins only', () => {
    const config = schema.object({
      id: schema.guid(),
      memory: schema.byteSize({ default: '64M' }),
      ports: schema.array(schema.integer({ min: 1 })),
    });
    const parsed = config.parse({ id: '{F8615163-DF3E-46C5-913F-F2D2F965ED0E}', ports: [80] });
    expect(structuredClone(parsed)).toEqual({ id: 'f8615163-df3e-46c5-913f-f2d2f965ed0e', memory: 64 * 1024 * 1024, ports: [80] });
    expect(() => config.parse({ id: 'x', ports: [] })).toThrow('id: must be a GUID');
    expect(structuredClone(config.jsonSchema())).toMatchObject({ type: 'object', required: ['id', 'ports'] });
  });
});
