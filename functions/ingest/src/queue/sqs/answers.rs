//! SQS's answers in the port's terms: per-entry outcomes, errors, and
//! durations as SQS's whole seconds.

use std::time::Duration;

use aws_sdk_sqs::error::{DisplayErrorContext, SdkError};
use aws_sdk_sqs::operation::send_message_batch::SendMessageBatchError;
use aws_sdk_sqs::types::BatchResultErrorEntry;

use crate::queue::QueueError;

/// The outcome of each of `count` entries (ids `0..count`) from a
/// `SendMessageBatch` answer; an entry the answer does not mention failed.
pub(super) fn outcomes<'a>(
    count: usize,
    successful: impl Iterator<Item = &'a str>,
    failed: &[BatchResultErrorEntry],
) -> Vec<Result<(), QueueError>> {
    let mut outcomes: Vec<Result<(), QueueError>> = (0..count)
        .map(|_| {
            Err(QueueError::Refused {
                code: "NoOutcome".into(),
                message: "SQS reported no outcome for this entry".into(),
            })
        })
        .collect();
    for id in successful {
        if let Some(outcome) = id.parse::<usize>().ok().and_then(|i| outcomes.get_mut(i)) {
            *outcome = Ok(());
        }
    }
    for entry in failed {
        if let Some(outcome) = entry
            .id()
            .parse::<usize>()
            .ok()
            .and_then(|i| outcomes.get_mut(i))
        {
            *outcome = Err(refused(entry));
        }
    }
    outcomes
}

pub(super) fn refused(entry: &BatchResultErrorEntry) -> QueueError {
    QueueError::Refused {
        code: entry.code().to_owned(),
        message: entry.message().unwrap_or_default().to_owned(),
    }
}

pub(super) fn unavailable<E, R>(error: SdkError<E, R>) -> QueueError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    QueueError::Unavailable(DisplayErrorContext(error).to_string())
}

/// A batch SQS refuses for its shape is the caller's; the rest is the queue's.
pub(super) fn send_error<R>(error: SdkError<SendMessageBatchError, R>) -> QueueError
where
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let invalid = error.as_service_error().is_some_and(|e| {
        e.is_batch_request_too_long()
            || e.is_too_many_entries_in_batch_request()
            || e.is_empty_batch_request()
            || e.is_batch_entry_ids_not_distinct()
            || e.is_invalid_batch_entry_id()
    });
    if invalid {
        QueueError::Invalid(DisplayErrorContext(error).to_string())
    } else {
        unavailable(error)
    }
}

pub(super) fn seconds_up(duration: Duration) -> i32 {
    let seconds = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
    i32::try_from(seconds).unwrap_or(i32::MAX)
}

pub(super) fn seconds_down(duration: Duration) -> i32 {
    i32::try_from(duration.as_secs()).unwrap_or(i32::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn failure(id: &str, code: &str) -> BatchResultErrorEntry {
        BatchResultErrorEntry::builder()
            .id(id)
            .sender_fault(false)
            .code(code)
            .message("try again")
            .build()
            .unwrap()
    }

    #[test]
    fn each_entry_gets_the_outcome_sqs_reported_for_its_id() {
        let results = outcomes(
            4,
            ["2", "0"].into_iter(),
            &[failure("1", "InternalError"), failure("7", "Other")],
        );
        assert_eq!(results[0], Ok(()));
        assert_eq!(
            results[1],
            Err(QueueError::Refused {
                code: "InternalError".into(),
                message: "try again".into()
            })
        );
        assert_eq!(results[2], Ok(()));
        assert!(
            matches!(&results[3], Err(QueueError::Refused { code, .. }) if code == "NoOutcome"),
            "an entry SQS does not mention is not assumed sent"
        );
        assert!(outcomes(0, std::iter::empty(), &[]).is_empty());
    }

    #[test]
    fn durations_become_whole_seconds_in_the_safe_direction() {
        assert_eq!(seconds_up(Duration::from_millis(1500)), 2);
        assert_eq!(seconds_up(Duration::from_secs(1)), 1);
        assert_eq!(seconds_up(Duration::ZERO), 0);
        assert_eq!(seconds_down(Duration::from_millis(1999)), 1);
        assert_eq!(seconds_up(Duration::from_secs(u64::MAX)), i32::MAX);
    }
}
