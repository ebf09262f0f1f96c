//! Small lexical pieces shared by the typed headers of this directory.

/// The suffix of `whole` that starts where `part` (a slice of `whole`)
/// starts; the empty end of `whole` if `part` is not inside it. Used to
/// point a grammar error at a parameter found by an iterator.
pub(super) fn suffix_at<'a>(whole: &'a str, part: &str) -> &'a str {
    let off = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    whole.get(off..).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_at_points_inside_or_at_the_end() {
        let s = "abc;def";
        assert_eq!(suffix_at(s, &s[4..]), "def");
        assert_eq!(suffix_at(s, "elsewhere"), "");
    }
}
