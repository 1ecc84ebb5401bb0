//! SQL text built from parts: multi-row `VALUES` lists, conditions joined.

/// `n` rows of a `VALUES` list from one row's template: each `?` becomes the next placeholder,
/// numbered from `$first` on, while a `$k` written in the template is shared by every row.
/// `values(2, 3, "($1,?,?)")` is `($1,$3,$4),($1,$5,$6)`.
pub(crate) fn values(n: usize, first: usize, row: &str) -> String {
    let mut out = String::with_capacity(n * (row.len() + 8));
    let mut next = first;
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        for ch in row.chars() {
            if ch == '?' {
                out.push('$');
                out.push_str(&next.to_string());
                next += 1;
            } else {
                out.push(ch);
            }
        }
    }
    out
}

/// Every condition at once: `a AND b`, or `true` when there are none.
pub(crate) fn all(conds: &[String]) -> String {
    if conds.is_empty() {
        "true".into()
    } else {
        conds.join(" AND ")
    }
}

#[cfg(test)]
mod tests {
    use super::{all, values};

    #[test]
    fn no_condition_is_true_and_several_are_all_needed() {
        assert_eq!(all(&[]), "true");
        assert_eq!(all(&["a = 1".into(), "b".into()]), "a = 1 AND b");
    }

    #[test]
    fn each_row_takes_the_next_placeholders_and_shares_the_written_ones() {
        assert_eq!(values(2, 3, "($1,?,?)"), "($1,$3,$4),($1,$5,$6)");
        assert_eq!(
            values(3, 5, "(?,$1,$2)"),
            "($5,$1,$2),($6,$1,$2),($7,$1,$2)"
        );
        assert_eq!(values(1, 1, "(?,?)"), "($1,$2)");
        assert_eq!(values(0, 1, "(?)"), "");
    }
}
