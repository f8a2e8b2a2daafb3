//! `/v1/me/feed` and `/v1/me/activities`.

use reqwest::Method;

use crate::api::social::check_len;
use crate::client::Client;
use crate::error::{Error, Result, check_id};
use crate::models::{Activity, ActivityType, NewActivity};
use crate::odata::Query;
use crate::paging::{ItemStream, Page, PageStream};
use crate::transport::{Call, Replay};

fn check_http_url(name: &str, value: &str) -> Result<()> {
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        _ => Err(Error::invalid(name, "must be an http or https URL")),
    }
}

impl Client {
    fn feed_url(&self, segment: &str, query: &Query) -> Result<url::Url> {
        Ok(self.endpoint_with(&["v1", "me", segment], &query.to_pairs()?))
    }

    /// One page of my feed: my own and my friends' activities, newest first (`feed.read`).
    pub async fn list_feed(&self, query: &Query) -> Result<Page<Activity>> {
        let url = self.feed_url("feed", query)?;
        self.send_json(Call::api(Method::GET, url)).await
    }

    /// The pages of my feed, the next one prefetched.
    pub fn feed_pages(&self, query: &Query) -> Result<PageStream<Activity>> {
        Ok(PageStream::new(self.clone(), self.feed_url("feed", query)?))
    }

    /// Every activity of my feed, newest first (the next page prefetched).
    pub fn feed(&self, query: &Query) -> Result<ItemStream<Activity>> {
        Ok(ItemStream::new(self.feed_pages(query)?))
    }

    /// One page of my own activities (`feed.read`).
    pub async fn list_activities(&self, query: &Query) -> Result<Page<Activity>> {
        let url = self.feed_url("activities", query)?;
        self.send_json(Call::api(Method::GET, url)).await
    }

    /// The pages of my own activities, the next one prefetched.
    pub fn activity_pages(&self, query: &Query) -> Result<PageStream<Activity>> {
        Ok(PageStream::new(
            self.clone(),
            self.feed_url("activities", query)?,
        ))
    }

    /// Every one of my own activities (the next page prefetched).
    pub fn activities(&self, query: &Query) -> Result<ItemStream<Activity>> {
        Ok(ItemStream::new(self.activity_pages(query)?))
    }

    /// One of my activities (`feed.read`).
    pub async fn get_activity(&self, id: &str) -> Result<Activity> {
        check_id("id", id)?;
        let url = self.endpoint(&["v1", "me", "activities", id]);
        self.send_json(Call::api(Method::GET, url)).await
    }

    /// Posts an activity (`feed.write`); my friends get `activity.created`. Safe to retry:
    /// one `Idempotency-Key` per call.
    pub async fn create_activity(&self, activity: &NewActivity) -> Result<Activity> {
        let call = self.activity_call(activity)?;
        self.send_json(call).await
    }

    /// [`Client::create_activity`] with my own `Idempotency-Key` (1 to 255 visible ASCII
    /// characters), e.g. derived from the id of the item in my database: a job that
    /// crashed and posts the same item again gets the activity posted the first time
    /// (within the server's 24 hours), never a second one. The same key with another
    /// body is 422 `idempotencyKeyReused`.
    pub async fn create_activity_with_key(
        &self,
        activity: &NewActivity,
        idempotency_key: &str,
    ) -> Result<Activity> {
        check_idempotency_key(idempotency_key)?;
        let mut call = self.activity_call(activity)?;
        call.replay = Replay::Keyed(idempotency_key.to_string());
        self.send_json(call).await
    }

    /// The checked `POST /v1/me/activities` of an activity.
    fn activity_call(&self, activity: &NewActivity) -> Result<Call> {
        if let ActivityType::Other(kind) = &activity.kind {
            return Err(Error::invalid(
                "kind",
                format!("`{kind}` is not Note, Share, Like or Status"),
            ));
        }
        if let Some(c) = &activity.content {
            check_len("content", c, 5000)?;
        }
        if let Some(n) = &activity.name {
            check_len("name", n, 280)?;
        }
        if let Some(u) = &activity.url {
            check_http_url("url", u)?;
        }
        if let Some(i) = &activity.image {
            check_http_url("image", &i.url)?;
        }
        match activity.kind {
            ActivityType::Note
                if activity
                    .content
                    .as_deref()
                    .is_none_or(|c| c.trim().is_empty()) =>
            {
                return Err(Error::invalid("content", "a Note needs content"));
            }
            ActivityType::Share if activity.url.is_none() => {
                return Err(Error::invalid("url", "a Share needs a url"));
            }
            _ => {}
        }
        Call::api(Method::POST, self.endpoint(&["v1", "me", "activities"])).json(activity)
    }

    /// Deletes one of my activities (`feed.write`).
    pub async fn delete_activity(&self, id: &str) -> Result<()> {
        check_id("id", id)?;
        self.send_empty(Call::api(
            Method::DELETE,
            self.endpoint(&["v1", "me", "activities", id]),
        ))
        .await
    }
}

/// An `Idempotency-Key` of the caller's: 1 to 255 visible ASCII characters.
fn check_idempotency_key(key: &str) -> Result<()> {
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            "idempotency_key",
            "must be 1 to 255 visible ASCII characters",
        ));
    }
    Ok(())
}
