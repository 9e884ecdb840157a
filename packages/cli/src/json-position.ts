/**
 * Where JSON text stops being JSON. V8's messages name the token but, for short inputs,
 * not the position (they quote a snippet instead, across lines), so a profile's author
 * would be left searching. This scanner follows the JSON grammar (RFC 8259) only as far as
 * needed to find the first offending character; it is called after JSON.parse has failed.
 */
export interface JsonFault {
  offset: number;
  line: number;
  column: number;
  /** `unexpected ","` or `unexpected end of input`. */
  what: string;
}

class Fault extends Error {
  constructor(readonly offset: number) {
    super('fault');
  }
}

export function findJsonFault(text: string): JsonFault | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (c: string) => {
    if (text[i] !== c) throw new Fault(i);
    i++;
  };
  const literal = (word: string) => {
    for (const c of word) expect(c);
  };
  const string = () => {
    expect('"');
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') throw new Fault(i);
      i++;
      if (c === '"') return;
      if (c === '\\') {
        const e = text[i];
        if (e === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-f]/i.test(text[i] ?? '')) throw new Fault(i);
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else throw new Fault(i);
      }
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-' || m[0] === '') throw new Fault(i);
    i += m[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        string();
        ws();
        expect(':');
        value();
        ws();
        if (text[i] === ',') i++;
        else return expect('}');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else return expect(']');
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  try {
    value();
    ws();
    if (i < text.length) throw new Fault(i);
    return undefined;
  } catch (err) {
    if (!(err instanceof Fault)) throw err;
    const before = text.slice(0, err.offset);
    const line = before.split('\n').length;
    const column = err.offset - before.lastIndexOf('\n');
    const ch = text[err.offset];
    return { offset: err.offset, line, column, what: ch === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(ch)}` };
  }
}
