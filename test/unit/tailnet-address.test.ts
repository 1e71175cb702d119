import { describe, expect, it } from 'vitest';
import {
  isTailnetAddress,
  isLoopbackAddress,
  isMagicDnsName,
  ipVersion,
} from '../../protocol/tailnet-address.ts';

describe('tailnet addresses', () => {
  it('accepts the CGNAT range and the tailnet IPv6 prefix only', () => {
    expect(isTailnetAddress('100.64.0.1')).toBe(true);
    expect(isTailnetAddress('100.127.255.254')).toBe(true);
    expect(isTailnetAddress('100.128.0.1')).toBe(false);
    expect(isTailnetAddress('100.63.255.255')).toBe(false);
    expect(isTailnetAddress('fd7a:115c:a1e0::1')).toBe(true);
    expect(isTailnetAddress('fd7a:115c:a1e0:ab12:4843:cd96:6258:b240')).toBe(true);
    expect(isTailnetAddress('fd7a:115c:a1e1::1')).toBe(false);
    expect(isTailnetAddress('::ffff:100.100.1.2')).toBe(true);
    expect(isTailnetAddress('127.0.0.1')).toBe(false);
    expect(isTailnetAddress('192.168.1.10')).toBe(false);
    expect(isTailnetAddress('169.254.169.254')).toBe(false);
    expect(isTailnetAddress('100.64.0.1.evil.com')).toBe(false);
    expect(isTailnetAddress('')).toBe(false);
  });
  it('classifies loopback, IP versions and MagicDNS names', () => {
    expect(isLoopbackAddress('127.0.0.5')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(ipVersion('1.2.3.256')).toBe(0);
    expect(ipVersion('::1')).toBe(6);
    expect(isMagicDnsName('farm-1.tail1234.ts.net')).toBe(true);
    expect(isMagicDnsName('farm-1')).toBe(true);
    expect(isMagicDnsName('example.com')).toBe(false);
  });
});
