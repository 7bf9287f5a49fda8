//! The README's library snippet, compiled and run:
//! `cargo run --release --example library`
//!
//! The run layer is the library's door: a configuration (here `train`'s
//! defaults with Adam), an observer (a closure printing every 100th epoch)
//! and a cancellation flag; the result holds the trained model and summary.
use nonlin::run::{self, Cancel, DataConfig, Event, RunConfig};
use nonlin::train::OptimizerConfig;

fn main() -> nonlin::Result<()> {
    let data = DataConfig::default().load()?; // the embedded Heart Failure data
    let mut config = RunConfig::train(); // 32 ReLU units, Adam, early stopping, leakage-free scaler
    config.train.epochs = 300;
    config.train.optimizer = OptimizerConfig::adam(0.01);
    let mut print_every_100 = |e: &Event| {
        if let Event::Epoch {
            history, record, ..
        } = e
        {
            if record.epoch % 100 == 0 {
                println!("{}", history.log_line(record));
            }
        }
    };
    let result = run::split_run::run(&data, &config, &mut print_every_100, &Cancel::new())?;
    let s = &result.summary[0];
    println!(
        "{} ({}): final test accuracy {:.2}%, best {:.2}% at epoch {}",
        s.model, s.arch, s.final_test_acc, s.best_test_acc, s.best_test_epoch
    );
    Ok(())
}
