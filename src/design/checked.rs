//! The count search shared by the fast sums of every class: the fewest stations passing
//! (docs/architecture.md "Design search"). Every layout is screened by the fast sums
//! ([`super::fast`]); the check judges the reported candidates ([`super::judge`]).

/// The fewest of the counts `lo..=hi` that pass (pass assumed monotonic in the count),
/// `None` when `hi` fails: gallop from `guess` to a passing and a failing count, then
/// bisect. `hi` is tried only when the gallop up reaches it: the densest layout is the
/// dearest to sum (its rows and the poles lighting each grow with the count).
pub(super) fn fewest_passing(
    lo: usize,
    hi: usize,
    guess: usize,
    mut passes: impl FnMut(usize) -> bool,
) -> Option<usize> {
    if lo > hi {
        return None;
    }
    let guess = guess.clamp(lo, hi);
    let (mut a, mut b); // a fails (or is below lo), b passes
    if passes(guess) {
        b = guess;
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
        let mut step = 1;
        loop {
            if a >= hi {
                return None;
            }
            let m = (a + step).min(hi);
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
    Some(b)
}

#[cfg(test)]
mod tests {
    use super::fewest_passing;

    #[test]
    fn finds_the_fewest_from_any_guess_and_tries_the_densest_only_going_up() {
        for need in 2..=40 {
            for guess in 0..=45 {
                let mut tried = Vec::new();
                let got = fewest_passing(2, 40, guess, |n| {
                    tried.push(n);
                    n >= need
                });
                assert_eq!(got, Some(need), "need {need} guess {guess}");
                // From a passing guess the gallop goes down only.
                if (need..40).contains(&guess) {
                    assert!(!tried.contains(&40), "need {need} guess {guess}: {tried:?}");
                }
            }
        }
        let mut tried = Vec::new();
        assert_eq!(
            fewest_passing(2, 40, 10, |n| {
                tried.push(n);
                false
            }),
            None
        );
        assert_eq!(tried.last(), Some(&40));
        assert_eq!(fewest_passing(5, 4, 4, |_| true), None);
    }
}
