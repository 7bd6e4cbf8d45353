use par_for::par_for;

#[par_for]
fn main() {
    let v = vec![1, 2, 3];
    #[par_for]
    let running: Vec<i32> = v.iter().scan(0, |acc, x| { *acc += x; Some(*acc) }).collect();
    println!("{running:?}");
}
