//! Errors gathered from several checks and reported together.

/// Errors gathered from several checks, reported together.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(first) => first.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn push_result<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

/// Code as the user wrote it, for a message: the token printer's spaces around `.` and
/// `::`, before `[` and `,`, inside a turbofish and after a unary `*` taken out (`v.len()`,
/// `grid[i]`, `*x`, `s.parse::<u64>()`; `a * b` keeps its spaces).
pub(crate) fn shown(code: &impl quote::ToTokens) -> String {
    let printed = turbofish(
        &code
            .to_token_stream()
            .to_string()
            .replace(" . ", ".")
            .replace(" :: ", "::")
            .replace(" ,", ",")
            .replace(" [", "[")
            .replace("& mut ", "&mut "),
    );
    let ends_operand = |c: char| c.is_alphanumeric() || matches!(c, ')' | ']' | '_' | '\'' | '"');
    let mut out = String::with_capacity(printed.len());
    let mut chars = printed.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' && chars.peek() == Some(&'(') && called(&out) {
            continue;
        }
        out.push(c);
        let before = out.trim_end_matches('*').trim_end().chars().last();
        let unary = c == '*' && !before.is_some_and(ends_operand);
        if unary && chars.peek() == Some(&' ') {
            chars.next();
        }
    }
    out
}

/// `::< u64 >` as `::<u64>`: no spaces inside a turbofish but after its commas, nor
/// before the `(` after it.
fn turbofish(printed: &str) -> String {
    let mut out = String::with_capacity(printed.len());
    let mut depth = 0usize;
    let mut rest = printed;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        if depth == 0 {
            out.push(c);
            if out.ends_with("::<") {
                depth = 1;
            }
            continue;
        }
        match c {
            ' ' if !out.ends_with(',') => continue,
            '<' => depth += 1,
            '>' => depth -= 1,
            _ => {}
        }
        out.push(c);
        if depth == 0 && rest.starts_with(" (") {
            rest = &rest[1..];
        }
    }
    out
}

/// Whether `(` after `printed` opens a call's arguments: it follows a name that is not
/// a keyword (`f (x)` is `f(x)`; `if (x)` stays).
fn called(printed: &str) -> bool {
    let word: String = printed
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let keywords = [
        "if", "while", "match", "return", "in", "let", "as", "move", "mut", "else",
    ];
    !word.is_empty() && !keywords.iter().any(|k| k.chars().rev().eq(word.chars()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn shown_code_loses_the_printer_s_spaces_but_not_a_product_s() {
        let expr: syn::Expr = syn::parse_quote!(best_len = *x * **y + v[i].len() - f(2));
        assert_eq!(
            super::shown(&expr),
            "best_len = *x * **y + v[i].len() - f(2)"
        );
        let expr: syn::Expr = syn::parse_quote!(total = if (a) { b } else { (c) });
        assert_eq!(super::shown(&expr), "total = if (a) { b } else { (c) }");
    }

    #[test]
    fn shown_paths_and_turbofish_lose_the_printer_s_spaces() {
        let expr: syn::Expr = syn::parse_quote!(
            s.parse::<u64>().ok()
                < std::cmp::max(a, b.into_iter().collect::<HashMap<K, V>>().len())
        );
        assert_eq!(
            super::shown(&expr),
            "s.parse::<u64>().ok() < std::cmp::max(a, b.into_iter().collect::<HashMap<K, V>>().len())"
        );
    }
}
