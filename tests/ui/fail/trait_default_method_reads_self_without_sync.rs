//! In a trait's default method, `Self` may be any type, `Sync` or not: a loop whose
//! iterations read `self` needs `trait Scale: Sync`.

use par_for::par_for;

#[par_for]
trait Scale {
    fn factor(&self) -> u64;

    fn scaled(&self, items: &[u64]) -> Vec<u64> {
        #[par_for]
        let scaled: Vec<u64> = items.iter().map(|x| x * self.factor()).collect();
        scaled
    }
}

fn main() {}
