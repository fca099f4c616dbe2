fn main() {
    println!("Lysplan");
}
