//! Where a value names a variable from outside it: the paths that are free uses, told
//! apart from the value's own bindings of the same name (`header.iter().map(|header|
//! header.len())` uses the outer `header` once).

use std::collections::HashSet;

use syn::visit::Visit;
use syn::{Expr, ExprPath, Ident};

use super::{Rule, Scopes, Walker};

/// The free uses in `value` of the names in `names`, outside macro arguments: each
/// path's address in `value`, and its name. The addresses stay valid while `value` is
/// neither moved nor changed.
pub(crate) fn free_uses(value: &Expr, names: &[Ident]) -> Vec<(*const ExprPath, Ident)> {
    let mut walker = Walker::new(
        FreeUses {
            names,
            found: Vec::new(),
        },
        &[],
    );
    walker.visit_expr(value);
    let mut found = walker.into_rule().found;
    // The walk parses macro arguments into nodes of its own, gone now: keep the paths
    // that are nodes of `value` (alive all along, so no node of the walk shared an
    // address with one).
    let mut paths = PathsOf(HashSet::new());
    paths.visit_expr(value);
    found.retain(|(path, _)| paths.0.contains(path));
    found
}

struct FreeUses<'a> {
    names: &'a [Ident],
    found: Vec<(*const ExprPath, Ident)>,
}

impl Rule for FreeUses<'_> {
    fn free(&mut self, path: &ExprPath, _scopes: &Scopes) {
        if let Some(ident) = path.path.get_ident().filter(|i| self.names.contains(i)) {
            self.found.push((path, ident.clone()));
        }
    }
}

/// The addresses of the paths of an expression, outside macro arguments.
struct PathsOf(HashSet<*const ExprPath>);

impl<'ast> Visit<'ast> for PathsOf {
    fn visit_expr_path(&mut self, path: &'ast ExprPath) {
        self.0.insert(path);
    }
}
