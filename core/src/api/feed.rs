//! `/v1/me/feed` and `/v1/me/activities`.

use reqwest::Method;

use crate::client::Client;
use crate::collections::Collection;
use crate::error::{Result, check_id};
use crate::limits::check_idempotency_key;
use crate::models::{Activity, NewActivity};
use crate::odata::Query;
use crate::paging::{ItemStream, Page, PageStream};
use crate::transport::{Call, Replay};

impl Client {
    /// One page of my feed: my own and my friends' activities, newest first (`feed.read`).
    pub async fn list_feed(&self, query: &Query) -> Result<Page<Activity>> {
        self.first_page(&Collection::Feed, query).await
    }

    /// The pages of my feed, the next one prefetched.
    pub fn feed_pages(&self, query: &Query) -> Result<PageStream<Activity>> {
        self.pages(&Collection::Feed, query)
    }

    /// Every activity of my feed, newest first (the next page prefetched).
    pub fn feed(&self, query: &Query) -> Result<ItemStream<Activity>> {
        Ok(ItemStream::new(self.feed_pages(query)?))
    }

    /// One page of my own activities (`feed.read`).
    pub async fn list_activities(&self, query: &Query) -> Result<Page<Activity>> {
        self.first_page(&Collection::Activities, query).await
    }

    /// The pages of my own activities, the next one prefetched.
    pub fn activity_pages(&self, query: &Query) -> Result<PageStream<Activity>> {
        self.pages(&Collection::Activities, query)
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
        activity.validate()?;
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
