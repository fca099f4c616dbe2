//! The count search shared by the fast sums of every class: the fewest stations passing
//! (docs/architecture.md "Design search"). Every layout is screened by the fast sums
//! ([`super::fast`]); the check judges the reported candidates ([`super::judge`]).

/// The fewest of the counts `lo..=hi` that pass (`hi` passes; pass assumed monotonic in
/// the count): gallop from `guess` to a passing and a failing count, then bisect.
pub(super) fn fewest_passing(
    lo: usize,
    hi: usize,
    guess: usize,
    mut passes: impl FnMut(usize) -> bool,
) -> usize {
    let (mut a, mut b); // a fails (or is below lo), b passes
    if guess >= hi || passes(guess) {
        b = guess.min(hi);
        a = lo.saturating_sub(1);
        let mut step = 1;
        while b > lo {
            let m = b.saturating_sub(step).max(lo);
            if passes(m) {
                b = m;
                step *= 2;
            } else {
                a = m;
                break;
            }
        }
    } else {
        a = guess;
        b = hi;
        let mut step = 1;
        while a + step < hi {
            let m = a + step;
            if passes(m) {
                b = m;
                break;
            }
            a = m;
            step *= 2;
        }
    }
    while b - a > 1 {
        let m = (a + b) / 2;
        if passes(m) {
            b = m;
        } else {
            a = m;
        }
    }
    b
}
