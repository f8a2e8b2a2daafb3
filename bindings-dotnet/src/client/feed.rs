//! `Client`: the feed and my activities.

use messenger_connect::models as m;

use crate::errors::Result;
use crate::models::{Activity, ActivityPage, NewActivity};
use crate::query::{Query, core_query};

use super::Client;

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// The first page of my feed: my own and my friends' activities, newest first
    /// (`feed.read`); follow `next_link` with `activities_page_at`.
    pub async fn list_feed(&self, query: Option<Query>) -> Result<ActivityPage> {
        let q = core_query(query)?;
        let c = self.core()?;
        Ok(c.list_feed(&q).await?.into())
    }

    /// The first page of my own activities (`feed.read`).
    pub async fn list_activities(&self, query: Option<Query>) -> Result<ActivityPage> {
        let q = core_query(query)?;
        let c = self.core()?;
        Ok(c.list_activities(&q).await?.into())
    }

    /// The page of activities (feed or mine) at a stored `next_link`.
    pub async fn activities_page_at(&self, link: String) -> Result<ActivityPage> {
        let c = self.core()?;
        Ok(c.page_at::<m::Activity>(&link).await?.into())
    }

    /// One of my activities (`feed.read`).
    pub async fn get_activity(&self, id: String) -> Result<Activity> {
        let c = self.core()?;
        Ok(c.get_activity(&id).await?.into())
    }

    /// Posts an activity (`feed.write`); my friends get `ActivityCreated`. Safe to retry.
    pub async fn create_activity(&self, activity: NewActivity) -> Result<Activity> {
        let activity = activity.try_into()?;
        let c = self.core()?;
        Ok(c.create_activity(&activity).await?.into())
    }

    /// `create_activity` with my own `Idempotency-Key` (1 to 255 visible ASCII
    /// characters, else `InvalidArgument` before any request), e.g. derived from the id of
    /// the item in my database: posting the same item again (a re-run job, another
    /// process) returns the activity posted the first time, never a second one (within the
    /// server's 24 hours). The same key with another body is 422 `idempotencyKeyReused`.
    pub async fn create_activity_with_key(
        &self,
        activity: NewActivity,
        idempotency_key: String,
    ) -> Result<Activity> {
        let activity = activity.try_into()?;
        let c = self.core()?;
        Ok(c.create_activity_with_key(&activity, &idempotency_key)
            .await?
            .into())
    }

    /// Deletes one of my activities (`feed.write`).
    pub async fn delete_activity(&self, id: String) -> Result<()> {
        let c = self.core()?;
        Ok(c.delete_activity(&id).await?)
    }
}
