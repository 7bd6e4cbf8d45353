use par_for::par_for;

async fn fetch(i: u32) -> u32 {
    i
}

#[par_for]
async fn run() {
    #[par_for]
    for i in 0..10 {
        let value = fetch(i).await;
        println!("{value}");
    }
}

fn main() {
    let _ = run();
}
