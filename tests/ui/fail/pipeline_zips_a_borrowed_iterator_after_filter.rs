use par_for::par_for;

#[par_for]
fn main() {
    let data: Vec<u64> = (0..10).collect();
    let mut ids = 100..1_000u64;
    #[par_for]
    let tagged: Vec<(&u64, u64)> = data.iter().filter(|x| *x % 2 == 0).zip(ids.by_ref()).collect();
    println!("{} {:?}", tagged.len(), ids.next());
}
