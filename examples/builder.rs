//! Builds `16-relu-8-tanh` in code with [`ArchitectureBuilder`], trains it on
//! the embedded Heart Failure data (Adam, lr 0.01, 300 epochs, mini-batches
//! of 32) and prints the result:
//! `cargo run --release --example builder`
use nonlin::data::{prepare, Dataset, PrepareOptions};
use nonlin::model::{Activation, ArchitectureBuilder};
use nonlin::run::{Event, Fit, ModelSpec};
use nonlin::train::history::percent;
use nonlin::train::{LossConfig, LrSchedule, OptimizerConfig, TrainConfig};

fn main() -> nonlin::Result<()> {
    // Data: the embedded CSV, target DEATH_EVENT, the tutorial's 80/20 split
    // (seed 10), scaler fit on the training rows.
    let ds = Dataset::heart_failure();
    let data = prepare(&ds, &PrepareOptions::default())?;

    // Model: the same as `--arch 16-relu-8-tanh`; `build` adds the output
    // layer Linear(8, 1).
    let arch = ArchitectureBuilder::new(data.train.d)
        .linear(16)
        .relu()
        .linear(8)
        .activation(Activation::Tanh) // or .tanh()
        .build()?;
    println!("{arch}: {}", arch.torch_repr());

    let config = TrainConfig {
        epochs: 300,
        optimizer: OptimizerConfig::adam(0.01),
        schedule: LrSchedule::Constant,
        loss: LossConfig::default(),
        batch_size: Some(32),
        shuffle_seed: 0,
        early_stopping: None,
        plateau: None,
        threads: None,
    };
    let start = std::time::Instant::now();
    let spec = ModelSpec::new("built", arch);
    let model = Fit::new(&spec, &data, &config).run(&mut |e: &Event| {
        if let Event::Epoch {
            history, record, ..
        } = e
        {
            if (record.epoch + 1) % 100 == 0 {
                println!("{}", history.log_line(record));
            }
        }
    })?;
    let h = &model.history;
    let last = h.last().expect("300 epochs ran");
    println!(
        "trained {} parameters in {:.0?}: train acc {:.2}%, test acc {:.2}% (train loss {:.5}, test loss {:.5})",
        model.net.params.len(),
        start.elapsed(),
        percent(h.train_accuracy(last)),
        percent(h.test_accuracy(last).expect("a test set")),
        last.train_loss,
        last.test_loss.expect("a test set")
    );
    Ok(())
}
