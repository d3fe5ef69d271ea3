/** Nibble value of each ASCII hex digit (upper or lower case), indexed by char code & 127; 0 otherwise. */
export const HEX_NIBBLE: Uint8Array = (() => {
  const table = new Uint8Array(128);
  for (let i = 0; i < 10; i++) table[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[65 + i] = 10 + i;
    table[97 + i] = 10 + i;
  }
  return table;
})();
