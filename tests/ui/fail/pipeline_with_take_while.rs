use par_for::par_for;

#[par_for]
fn main() {
    let v = vec![1, 2, 3];
    #[par_for]
    let prefix: Vec<i32> = v.iter().map(|x| x * 2).take_while(|x| *x < 4).collect();
    println!("{prefix:?}");
}
