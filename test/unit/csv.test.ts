/** The one CSV cell rule (protocol/csv.ts) behind the history export and the command ledger export. */
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../protocol/csv.ts';

describe('CSV cells', () => {
  // Moved here from the command ledger's and the history export's tests, where each copy had its own.
  it('quotes separators and guards formula starts', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('+7')).toBe("'+7");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=cmd')).toBe("'\t=cmd");
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
    expect(
      toCsv([
        ['a', 1],
        ['b', null],
      ]),
    ).toBe('a,1\r\nb,\r\n');
  });

  it('leaves numbers of every sign as numbers: only text is taken for a formula', () => {
    expect([21.5, -3.2, 0, 1_717_200_000_000, true].map(csvCell)).toEqual([
      '21.5',
      '-3.2',
      '0',
      '1717200000000',
      'true',
    ]);
  });

  it('quotes CRLF, a lone quote, and white space at either end (so trimming readers keep it)', () => {
    expect(csvCell('line\r\nbreak')).toBe('"line\r\nbreak"');
    expect(csvCell('"')).toBe('""""');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell('padded ')).toBe('"padded "');
    expect(csvCell('in between')).toBe('in between');
    expect(csvCell(undefined)).toBe('');
  });

  it('defuses a formula behind a CR or with quotes, and leaves an = inside text alone', () => {
    expect(csvCell('\r=cmd')).toBe(`"'\r=cmd"`);
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('ends every row, the last too, with CRLF', () => {
    expect(
      toCsv([
        ['time', 'value'],
        ['2025-06-01T00:00:00.000Z', -1.5],
        ['x, y', null],
      ]),
    ).toBe('time,value\r\n2025-06-01T00:00:00.000Z,-1.5\r\n"x, y",\r\n');
  });
});
