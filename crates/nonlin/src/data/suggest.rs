//! "Did you mean": the closest name to a mistyped one.

/// Edit distance (insertions, deletions, substitutions), case-insensitive.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let sub = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            cur[j] = sub.min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `name` when it is close enough to be a typo
/// (or differs only in case, or one contains the other).
pub fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
    if name.len() > 200 {
        return None;
    }
    let lower = name.to_lowercase();
    candidates
        .iter()
        .filter(|c| c.len() <= 200)
        .map(|c| {
            let cl = c.to_lowercase();
            let (short, long) = if cl.len() <= lower.len() {
                (&cl, &lower)
            } else {
                (&lower, &cl)
            };
            let contains = short.chars().count() >= 3 && long.contains(short.as_str());
            let d = if cl == lower || contains {
                0
            } else {
                distance(name, c)
            };
            (d, c)
        })
        .filter(|(d, c)| *d <= c.chars().count().max(name.chars().count()) / 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_prefixes_and_case() {
        let names: Vec<String> = ["age", "DEATH_EVENT", "serum_sodium"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(closest("DEATH", &names), Some("DEATH_EVENT"));
        assert_eq!(closest("death_event", &names), Some("DEATH_EVENT"));
        assert_eq!(closest("serum_sodim", &names), Some("serum_sodium"));
        assert_eq!(closest("platelets", &names), None);
        let short: Vec<String> = ["a", "b", "y"].iter().map(|s| s.to_string()).collect();
        assert_eq!(closest("c", &short), None);
        assert_eq!(
            closest("grad", &["a".to_string(), "grade".to_string()]),
            Some("grade")
        );
    }
}
