//! A trained network with the name it was trained under and its history.

use super::History;
use crate::model::Network;

/// A trained model and how it got there.
#[derive(Debug, Clone)]
pub struct TrainedModel {
    pub name: String,
    pub net: Network,
    pub history: History,
}
