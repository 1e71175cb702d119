import { describe, expect, it } from 'vitest';
import { Settings } from '../../protocol/app/index.ts';
import { metadataDraftOf, metadataPatch } from '../../renderer/src/lib/farm-metadata.ts';
import { describeParams, fieldsOf, validateParams } from '../../renderer/src/lib/params.ts';
import {
  mapPatch,
  registryPatch,
  tailnetDraftOf,
  tailnetPatch,
} from '../../renderer/src/lib/settings-form.ts';
import { makeFarm, makeFarmInfo } from './fixtures.ts';

const info = makeFarmInfo(makeFarm(0));
const open = info.actuators[0]!.commands[0]!;
const setMode = info.actuators[1]!.commands[0]!;

describe('command form from the actuator schema', () => {
  it('derives fields with bounds, units, defaults and required flags', () => {
    const fields = fieldsOf(open.params);
    expect(fields).toEqual([
      {
        name: 'durationMin',
        type: 'integer',
        title: 'Duration',
        unit: 'min',
        minimum: 1,
        maximum: 120,
        required: true,
        initial: '10',
      },
      {
        name: 'flowLpm',
        type: 'number',
        title: 'Flow',
        unit: 'L/min',
        minimum: 0.5,
        maximum: 20,
        required: false,
        initial: '',
      },
    ]);
    const modeFields = fieldsOf(setMode.params);
    expect(modeFields[0]).toMatchObject({ name: 'mode', options: ['off', 'eco', 'full'], initial: 'off' });
    expect(modeFields[1]).toMatchObject({ name: 'boost', type: 'boolean', initial: 'false' });
  });

  it('validates bounds, integers and required values with messages per field', () => {
    const fields = fieldsOf(open.params);
    expect(validateParams(fields, { durationMin: '500' }).errors).toEqual({
      durationMin: { key: 'fieldMax', vars: { max: 120 } },
    });
    expect(validateParams(fields, { durationMin: '0' }).errors.durationMin).toEqual({
      key: 'fieldMin',
      vars: { min: 1 },
    });
    expect(validateParams(fields, { durationMin: '2.5' }).errors.durationMin).toEqual({
      key: 'fieldInteger',
    });
    expect(validateParams(fields, { durationMin: '' }).errors.durationMin).toEqual({ key: 'fieldRequired' });
    expect(validateParams(fields, { durationMin: 'abc' }).errors.durationMin).toEqual({ key: 'fieldNumber' });
    const ok = validateParams(fields, { durationMin: '15', flowLpm: '2,5' });
    expect(ok).toEqual({ ok: true, errors: {}, values: { durationMin: 15, flowLpm: 2.5 } });
  });

  it('handles enums and booleans, and describes values for the confirmation', () => {
    const fields = fieldsOf(setMode.params);
    expect(validateParams(fields, { mode: 'eco', boost: 'true' }).values).toEqual({
      mode: 'eco',
      boost: true,
    });
    expect(validateParams(fields, { mode: 'turbo' }).ok).toBe(false);
    expect(describeParams({ durationMin: 15, flowLpm: 2.5 }, fieldsOf(open.params))).toBe(
      'Duration 15 min, Flow 2.5 L/min',
    );
    expect(describeParams({ x: true })).toBe('x true');
  });
});

describe('settings forms', () => {
  it('keeps only the chosen backend fields and validates URLs with the contract schema', () => {
    const draft = {
      ...tailnetDraftOf({ backend: 'auto', localApiSocket: '/run/ts.sock' }),
      backend: 'headscale' as const,
    };
    expect(tailnetPatch(draft).errors).toEqual({ headscaleUrl: 'fieldRequired' });
    expect(tailnetPatch({ ...draft, headscaleUrl: 'not a url' }).errors).toEqual({
      headscaleUrl: 'urlInvalid',
    });
    const ok = tailnetPatch({ ...draft, headscaleUrl: 'https://hs.example.org' });
    expect(ok.value).toEqual({ backend: 'headscale', headscaleUrl: 'https://hs.example.org' });
    expect(Settings.shape.tailnet.parse(ok.value)).toEqual(ok.value);
    expect(tailnetPatch({ ...draft, backend: 'api-v2', tailnetName: 'example.com' }).value).toEqual({
      backend: 'api-v2',
      tailnetName: 'example.com',
    });
  });

  it('builds registry and map patches', () => {
    expect(registryPatch(true, '')).toEqual({ embedded: true });
    expect(registryPatch(false, 'http://100.64.0.5:8081')).toEqual({
      embedded: false,
      url: 'http://100.64.0.5:8081',
    });
    expect(registryPatch(false, 'nope')).toBeUndefined();
    expect(mapPatch('')).toEqual({});
    expect(mapPatch('https://tiles.example.org/{z}/{x}/{y}.png')).toEqual({
      tileUrl: 'https://tiles.example.org/{z}/{x}/{y}.png',
    });
    expect(mapPatch('https://tiles.example.org/x.png')).toBeUndefined();
  });
});

describe('farm details form', () => {
  const farm = { ...makeFarm(0), notes: 'Gate code 1234', location: { lat: 45.35, lon: 39.05 } };

  it('sends only what changed, and nothing when nothing did', () => {
    const draft = metadataDraftOf(farm);
    expect(metadataPatch(draft, farm)).toEqual({ patch: {}, errors: {} });
    expect(metadataPatch({ ...draft, displayName: '  Kuban North  ', notes: 'New' }, farm).patch).toEqual({
      displayName: 'Kuban North',
      notes: 'New',
    });
  });

  it('reads a decimal comma, and clears the location override when both fields are empty', () => {
    const draft = metadataDraftOf(farm);
    expect(metadataPatch({ ...draft, lat: '45,5', lon: '39.1' }, farm).patch).toEqual({
      location: { lat: 45.5, lon: 39.1 },
    });
    expect(metadataPatch({ ...draft, lat: '', lon: ' ' }, farm).patch).toEqual({ location: null });
  });

  it('explains what is wrong', () => {
    const draft = metadataDraftOf(farm);
    expect(metadataPatch({ ...draft, displayName: ' ' }, farm).errors).toEqual({
      displayName: 'farmNameRequired',
    });
    expect(metadataPatch({ ...draft, lat: '95', lon: 'east' }, farm)).toEqual({
      errors: { lat: 'farmLatInvalid', lon: 'farmLonInvalid' },
    });
    expect(metadataPatch({ ...draft, lat: '45', lon: '' }, farm).errors).toEqual({ lon: 'farmLocationBoth' });
  });

  it('region, crop and owner: trimmed, sent when changed, cleared with "", at most 100 characters', () => {
    const placed = { ...farm, region: 'South', crop: '', owner: 'Ivan' };
    const draft = metadataDraftOf(placed);
    expect(draft).toMatchObject({ region: 'South', crop: '', owner: 'Ivan' });
    expect(
      metadataPatch({ ...draft, region: ' South ', crop: ' Winter wheat ', owner: '' }, placed).patch,
    ).toEqual({
      crop: 'Winter wheat',
      owner: '',
    });
    expect(metadataPatch({ ...draft, region: 'r'.repeat(101) }, placed).errors).toEqual({
      region: 'farmPolicyTextTooLong',
    });
  });
});
