// In-place sort of a few strings by JS string order (UTF-16 code units), the order `sort()` with
// no comparator gives. Array.prototype.sort allocates a work array on every call; commands are
// sorted by field name once per command, and have a handful of fields, so insertion sort is both
// cheaper and allocation-free there. Longer arrays still use sort().
const SMALL = 16;

export function sortStringsInPlace(a: string[]): string[] {
  if (a.length > SMALL) return a.sort();
  for (let i = 1; i < a.length; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
  return a;
}
