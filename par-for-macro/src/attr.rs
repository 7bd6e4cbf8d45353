//! The options of `#[par_for(...)]`: parsed, with their literals checked, spanned.
//! Which options go together and with which form is for the check phase
//! (`check/options.rs`).

use proc_macro2::{Span, TokenStream};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, Lit, LitStr, Path, Token};

use crate::error::{shown, Errors};
use crate::update::Written;

/// Everything written between the parentheses of a marking `#[par_for(...)]`.
#[derive(Default)]
pub(crate) struct Options {
    pub threads: Option<Expr>,
    pub min_len: Option<Expr>,
    pub parallel_if: Option<Expr>,
    pub progress: Option<Progress>,
    pub reduce: Vec<Reduction>,
    pub stream: Option<Span>,
    pub unordered: Option<Span>,
    pub window: Option<Expr>,
    /// `distribute`: split the items across MPI ranks (see `distribute.rs`).
    pub distribute: Option<Span>,
    /// `schedule = blocks | cyclic | chunks(N)`, checked in `check/options.rs`.
    pub schedule: Option<Expr>,
}

/// `progress` or `progress = "label"`.
pub(crate) struct Progress {
    pub label: Option<LitStr>,
    pub span: Span,
}

/// One `VAR: OP` or `VAR: OP = IDENTITY` of `reduce(...)`.
pub(crate) struct Reduction {
    pub var: Ident,
    pub op: ReduceOp,
    /// The value each worker's copy starts from, when the type has no identity that
    /// par-for knows (`reduce(v: + = Vec3::ZERO)`).
    pub identity: Option<Expr>,
    /// The body's own update form, where it decides how the copies combine (`best.max(x)`,
    /// `if x > best { best = x; }`, `h.wrapping_add(x)`); found by the check of the body's
    /// updates (`update.rs`), `None` until then and where the operation's own way holds.
    pub written: Option<Written>,
}

/// The combining operation of a reduction.
pub(crate) enum ReduceOp {
    /// `+ * & | ^`: the binary operator.
    Operator(syn::BinOp),
    /// `min` or `max`.
    MinMax(Ident),
    /// The path of a `fn(T, T) -> T` whose identity is `T::default()`.
    Function(Path),
}

impl Options {
    /// Parses the tokens inside `#[par_for(...)]`. An option that is unknown, given
    /// twice or with a bad literal is reported in `errors` and left out; `None` when the
    /// tokens are not a list of options at all.
    pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Option<Self> {
        let items = syn::parse::Parser::parse2(
            Punctuated::<OptionItem, Token![,]>::parse_terminated,
            tokens,
        );
        let items = errors.push_result(items)?;
        let mut options = Options::default();
        for item in items {
            errors.push_result(options.set(item));
        }
        Some(options)
    }

    pub(crate) fn is_stream(&self) -> bool {
        self.stream.is_some()
    }

    fn set(&mut self, item: OptionItem) -> syn::Result<()> {
        let name = item.name.to_string();
        let span = item.name.span();
        match (name.as_str(), item.value) {
            ("threads", OptionValue::Expr(e)) => put(&mut self.threads, positive("threads", e)?, span),
            ("min_len", OptionValue::Expr(e)) => put(&mut self.min_len, positive("min_len", e)?, span),
            ("window", OptionValue::Expr(e)) => put(&mut self.window, positive("window", e)?, span),
            ("if", OptionValue::Expr(e)) => put(&mut self.parallel_if, e, span),
            ("progress", OptionValue::Flag) => put(&mut self.progress, Progress { label: None, span }, span),
            ("progress", OptionValue::Expr(e)) => {
                let label = progress_label(e)?;
                put(&mut self.progress, Progress { label: Some(label), span }, span)
            }
            ("stream", OptionValue::Flag) => put(&mut self.stream, span, span),
            ("unordered", OptionValue::Flag) => put(&mut self.unordered, span, span),
            ("distribute", OptionValue::Flag) => put(&mut self.distribute, span, span),
            ("schedule", OptionValue::Expr(e)) => put(&mut self.schedule, e, span),
            ("reduce", OptionValue::List(list)) => self.add_reductions(list?),
            (known @ ("threads" | "min_len" | "window" | "if" | "schedule"), _) => Err(syn::Error::new(
                span,
                format!("`{known}` needs a value: write `{known} = ...`"),
            )),
            (known @ ("stream" | "unordered" | "distribute"), _) => Err(syn::Error::new(
                span,
                format!("`{known}` takes no value: write just `{known}`"),
            )),
            ("reduce", _) => Err(syn::Error::new(
                span,
                "`reduce` lists its variables: write `reduce(total: +)` or `reduce(counts: merge_fn)`",
            )),
            (_, value) => Err(syn::Error::new(
                span,
                foreign_option(&name, &value, &item.args).unwrap_or_else(|| format!(
                    "unknown #[par_for] option `{name}`; the options are `threads = N`, \
                     `reduce(VAR: OP, ..)`, `min_len = N`, `if = EXPR`, `progress`, \
                     `progress = \"label\"`, `stream`, `unordered`, `window = N`, `distribute`, `schedule = ..`"
                )),
            )),
        }
    }
}

/// The error for an option users bring from Python's `multiprocessing.Pool` (or
/// OpenMP, joblib, `concurrent.futures`), saying what par-for writes instead; `None`
/// for any other unknown option.
fn foreign_option(name: &str, value: &OptionValue, args: &TokenStream) -> Option<String> {
    let given = match value {
        OptionValue::Expr(expr) => Some(shown(expr)),
        // OpenMP's `num_threads(4)`.
        OptionValue::List(_) if !args.is_empty() => Some(shown(args)),
        _ => None,
    };
    let n = given.as_deref().unwrap_or("N");
    let help = match name {
        "processes" | "workers" | "num_threads" | "num_workers" | "max_workers" | "n_jobs"
        | "jobs" | "nthreads" => format!("write `threads = {n}`, the number of threads"),
        "chunksize" | "chunk_size" | "chunks" | "grain" | "grain_size" | "grainsize" => format!(
            "write `min_len = {n}`, the smallest number of items one task handles (par-for \
             splits the items itself)"
        ),
        "ordered" => "a streaming loop (`#[par_for(stream)]`, Python's `imap`) yields its \
                      results in input order already, and a pipeline keeps order too; write \
                      `#[par_for(stream, unordered)]` for completion order (`imap_unordered`)"
            .to_string(),
        _ => return None,
    };
    Some(format!("unknown #[par_for] option `{name}`\nhelp: {help}"))
}

impl Options {
    /// The variables of a `reduce(..)`, each once: a variable given again (in this list
    /// or an earlier `reduce(..)`) is reported at its second mention and left out.
    fn add_reductions(&mut self, list: Vec<Reduction>) -> syn::Result<()> {
        let mut errors: Option<syn::Error> = None;
        for reduction in list {
            let var = &reduction.var;
            if self.reduce.iter().any(|r| r.var == *var) {
                let error = syn::Error::new(
                    var.span(),
                    format!(
                        "`{var}` is given twice in `reduce(..)`; keep one (a variable is \
                         reduced by one operation)"
                    ),
                );
                match &mut errors {
                    Some(errors) => errors.combine(error),
                    None => errors = Some(error),
                }
            } else {
                self.reduce.push(reduction);
            }
        }
        errors.map_or(Ok(()), Err)
    }
}

fn put<T>(slot: &mut Option<T>, value: T, span: Span) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(
            span,
            "this option is given twice; keep one",
        ));
    }
    *slot = Some(value);
    Ok(())
}

/// A literal must be a positive integer; any other expression is checked at run time.
fn positive(name: &str, expr: Expr) -> syn::Result<Expr> {
    let Expr::Lit(lit) = &expr else {
        return Ok(expr);
    };
    match &lit.lit {
        Lit::Int(int) => match int.base10_parse::<usize>() {
            Ok(0) => Err(syn::Error::new(
                int.span(),
                format!("`{name} = 0` is not allowed: use a positive number such as `{name} = 4`"),
            )),
            Ok(_) => Ok(expr),
            Err(_) => Err(syn::Error::new(int.span(), format!("`{name}` must be a `usize`, such as `{name} = 4`"))),
        },
        other => Err(syn::Error::new(
            other.span(),
            format!("`{name}` must be a positive integer such as `{name} = 4`, or an expression of type `usize`"),
        )),
    }
}

fn progress_label(expr: Expr) -> syn::Result<LitStr> {
    match expr {
        Expr::Lit(syn::ExprLit { lit: Lit::Str(label), .. }) => Ok(label),
        other => Err(syn::Error::new(
            other.span(),
            "`progress` takes a string literal label: write `progress = \"resizing images\"`, or just `progress`",
        )),
    }
}

struct OptionItem {
    name: Ident,
    value: OptionValue,
    /// What the parentheses after the name hold (`reduce(..)`, or a call such as
    /// `num_threads(4)`); empty without them.
    args: TokenStream,
}

enum OptionValue {
    Flag,
    Expr(Expr),
    /// Parentheses after the name: `reduce(..)`'s list, parsed only when the name is
    /// `reduce` (another name's error is that it is unknown or takes `= VALUE`, not the
    /// syntax of a reduction); empty for another name.
    List(syn::Result<Vec<Reduction>>),
}

impl Parse for OptionItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let name = if input.peek(Token![if]) {
            let token: Token![if] = input.parse()?;
            Ident::new("if", token.span)
        } else {
            input.call(syn::ext::IdentExt::parse_any)?
        };
        let mut args = TokenStream::new();
        let value = if input.peek(Token![=]) {
            let eq = input.parse::<Token![=]>()?;
            if input.is_empty() || input.peek(Token![,]) {
                return Err(syn::Error::new(
                    eq.span,
                    format!(
                        "`{name} =` needs a value after the `=`: {}",
                        example_of(&name)
                    ),
                ));
            }
            OptionValue::Expr(input.parse()?)
        } else if input.peek(syn::token::Paren) {
            let content;
            syn::parenthesized!(content in input);
            args = content.parse()?;
            let list = if name == "reduce" {
                syn::parse::Parser::parse2(
                    Punctuated::<Reduction, Token![,]>::parse_terminated,
                    args.clone(),
                )
                .map(|list| list.into_iter().collect())
            } else {
                Ok(Vec::new())
            };
            OptionValue::List(list)
        } else {
            OptionValue::Flag
        };
        Ok(OptionItem { name, value, args })
    }
}

impl Parse for Reduction {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let var: Ident = input.parse()?;
        if !input.peek(Token![:]) {
            return Err(syn::Error::new(
                var.span(),
                format!("a reduction names its operation: write `{var}: +` (or `*`, `min`, `max`, `&`, `|`, `^`, or the path of a `fn(T, T) -> T`)"),
            ));
        }
        input.parse::<Token![:]>()?;
        let (op, named) = if input.peek(Ident)
            || input.peek(Token![::])
            || input.peek(Token![crate])
            || input.peek(Token![self])
            || input.peek(Token![super])
        {
            let path: Path = input.parse()?;
            match path.get_ident() {
                Some(name) if name == "min" || name == "max" => {
                    (ReduceOp::MinMax(name.clone()), false)
                }
                _ => (ReduceOp::Function(path), false),
            }
        } else {
            if input.peek(Token![|]) || input.peek(Token![||]) {
                if let Ok(closure) = input.fork().parse::<syn::ExprClosure>() {
                    return Err(syn::Error::new_spanned(
                        closure,
                        format!(
                            "a reduction operation is an operator or the path of a function, \
                             not a closure\nhelp: name the closure before the loop, \
                             `let merge = |a, b| ..;`, and write `reduce({var}: merge)`"
                        ),
                    ));
                }
            }
            let op: syn::BinOp = input.parse().map_err(|e| {
                syn::Error::new(e.span(), "a reduction operation is `+`, `*`, `min`, `max`, `&`, `|`, `^`, or the path of a `fn(T, T) -> T`")
            })?;
            operator(op)?
        };
        let identity = if named || input.peek(Token![=]) {
            if !named {
                input.parse::<Token![=]>()?;
            }
            Some(input.parse::<Expr>()?)
        } else {
            None
        };
        Ok(Reduction {
            var,
            op,
            identity,
            written: None,
        })
    }
}

/// What a value of option `name` looks like, for the message of one left out.
fn example_of(name: &Ident) -> &'static str {
    match name.to_string().as_str() {
        "threads" => "`threads = 4`",
        "min_len" => "`min_len = 1000`",
        "if" => "`if = items.len() > 10_000`",
        "window" => "`window = 64`",
        "progress" => "`progress = \"label\"`, or `progress` alone",
        _ => "`threads = 4`",
    }
}

/// The operator of `VAR: OP`, and whether it was written joined to the `=` of a named
/// identity (`v: += Vec3::ZERO`, which Rust spells as one token).
fn operator(op: syn::BinOp) -> syn::Result<(ReduceOp, bool)> {
    use syn::BinOp::*;
    let joined = match op {
        AddAssign(t) => Add(Token![+](t.spans[0])),
        MulAssign(t) => Mul(Token![*](t.spans[0])),
        BitAndAssign(t) => BitAnd(Token![&](t.spans[0])),
        BitOrAssign(t) => BitOr(Token![|](t.spans[0])),
        BitXorAssign(t) => BitXor(Token![^](t.spans[0])),
        Add(_) | Mul(_) | BitAnd(_) | BitOr(_) | BitXor(_) => return Ok((ReduceOp::Operator(op), false)),
        other => {
            return Err(syn::Error::new(
                other.span(),
                "this operator cannot combine partial results: use `+`, `*`, `min`, `max`, `&`, `|`, `^`, or the path of a `fn(T, T) -> T`",
            ))
        }
    };
    Ok((ReduceOp::Operator(joined), true))
}
