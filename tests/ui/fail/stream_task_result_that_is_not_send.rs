// A streaming loop's task runs on the pool, and its result goes to the body on the
// calling thread: a result that is not `Send` (an `Rc`) says so.
use std::rc::Rc;

use par_for::par_for;

#[par_for]
fn shared(items: &[u64]) -> Vec<Rc<u64>> {
    let mut out = Vec::new();
    #[par_for(stream)]
    for r in items.iter().map(|&x| Rc::new(x)) {
        out.push(r);
    }
    out
}

fn main() {
    println!("{:?}", shared(&[1, 2]));
}
