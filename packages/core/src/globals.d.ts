// The Web APIs core uses, present in Node, Bun and Deno alike. Declared here so core's
// type check needs neither the DOM library nor any runtime's type package.
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string);
  decode(input?: Uint8Array): string;
}
