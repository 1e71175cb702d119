import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../protocol/csv.ts';

describe('CSV cells (one rule for every export)', () => {
  it('leaves plain text, and numbers of every sign, as they are', () => {
    expect(csvCell('North field')).toBe('North field');
    expect(csvCell(21.5)).toBe('21.5');
    expect(csvCell(-3.2)).toBe('-3.2');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(1_717_200_000_000)).toBe('1717200000000');
    expect(csvCell(true)).toBe('true');
  });

  it('writes an absent value as an empty cell', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('')).toBe('');
  });

  it('quotes cells with commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('"')).toBe('""""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('line\r\nbreak')).toBe('"line\r\nbreak"');
  });

  it('quotes cells with white space at either end, so trimming readers keep it', () => {
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell('padded ')).toBe('"padded "');
    expect(csvCell('in between')).toBe('in between');
  });

  it('shows text a spreadsheet would run as a formula, with a leading apostrophe', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('+7')).toBe("'+7");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=cmd')).toBe("'\t=cmd");
    expect(csvCell('\r=cmd')).toBe(`"'\r=cmd"`);
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('joins rows with CRLF and ends the last one too', () => {
    expect(
      toCsv([
        ['time', 'value'],
        ['2025-06-01T00:00:00.000Z', -1.5],
        ['x, y', null],
      ]),
    ).toBe('time,value\r\n2025-06-01T00:00:00.000Z,-1.5\r\n"x, y",\r\n');
  });
});
