//! Contacts as native Python classes that wrap core's Rust structs: a contact crosses
//! into Python as one small object, and each attribute becomes a Python value only when
//! it is read. This is the hot path of a contacts sync (`contacts.delta()`), so no JSON
//! value or dict is built per contact; `to_dict()` builds the wire form on demand.

use std::hash::{DefaultHasher, Hash, Hasher};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use messenger_connect::DeltaChange as CoreChange;
use messenger_connect::models::{Contact, ContactEmail, ContactName, ContactPhoneNumber};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyMapping, PyString, PyType};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::convert::{from_py, to_py};

/// `datetime.datetime.fromisoformat` and `datetime.date.fromisoformat`, looked up once.
fn iso(py: Python<'_>, date: bool) -> PyResult<&Bound<'_, PyAny>> {
    static DATETIME: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    static DATE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let (cell, class) = if date {
        (&DATE, "date")
    } else {
        (&DATETIME, "datetime")
    };
    Ok(cell
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py
                .import("datetime")?
                .getattr(class)?
                .getattr("fromisoformat")?
                .unbind())
        })?
        .bind(py))
}

/// An aware `datetime` (UTC) of a timestamp, or `None`.
fn datetime(py: Python<'_>, at: Option<&DateTime<Utc>>) -> PyResult<Py<PyAny>> {
    match at {
        None => Ok(py.None()),
        // `+00:00` rather than `Z`: `fromisoformat` of Python 3.9 and 3.10 needs it.
        Some(at) => Ok(iso(py, false)?
            .call1((at.to_rfc3339_opts(SecondsFormat::AutoSi, false),))?
            .unbind()),
    }
}

fn date(py: Python<'_>, day: Option<&NaiveDate>) -> PyResult<Py<PyAny>> {
    match day {
        None => Ok(py.None()),
        Some(day) => Ok(iso(py, true)?.call1((day.to_string(),))?.unbind()),
    }
}

/// The wire form (camelCase, unknown fields included) as Python dicts and lists.
fn wire<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    let v = serde_json::to_value(value).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(to_py(py, &v)?.unbind())
}

/// One raw field of the wire form by its wire name (also fields this version does not
/// know), or `default`.
fn raw_field<T: Serialize>(
    py: Python<'_>,
    value: &T,
    key: &str,
    default: Option<Py<PyAny>>,
) -> PyResult<Py<PyAny>> {
    let v = serde_json::to_value(value).map_err(|e| PyValueError::new_err(e.to_string()))?;
    match v.get(key) {
        Some(found) => Ok(to_py(py, found)?.unbind()),
        None => Ok(default.unwrap_or_else(|| py.None())),
    }
}

/// A model from a mapping in wire form (`TypeError` for a non-mapping, `ValueError`
/// naming the class when a field has the wrong shape).
fn from_mapping<T: DeserializeOwned>(data: &Bound<'_, PyAny>, class: &str) -> PyResult<T> {
    if data.cast::<PyDict>().is_err() && data.cast::<PyMapping>().is_err() {
        return Err(PyTypeError::new_err(format!(
            "{class} needs a mapping, not {}",
            data.get_type().name()?
        )));
    }
    let value = from_py(data, class)?;
    serde_json::from_value(value).map_err(|e| PyValueError::new_err(format!("{class}: {e}")))
}

fn hash_of(class: &str, id: &str) -> isize {
    let mut h = DefaultHasher::new();
    (class, id).hash(&mut h);
    h.finish() as isize
}

fn opt_str(py: Python<'_>, s: Option<&str>) -> Py<PyAny> {
    match s {
        Some(s) => PyString::new(py, s).into_any().unbind(),
        None => py.None(),
    }
}

/// Name parts of a contact.
#[pyclass(module = "messenger_connect._native", name = "ContactName", frozen)]
pub struct PyContactName(pub ContactName);

#[pymethods]
impl PyContactName {
    #[new]
    fn new(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_mapping(data, "ContactName").map(PyContactName)
    }
    #[getter]
    fn given_name(&self) -> Option<&str> {
        self.0.given_name.as_deref()
    }
    #[getter]
    fn family_name(&self) -> Option<&str> {
        self.0.family_name.as_deref()
    }
    #[getter]
    fn middle_name(&self) -> Option<&str> {
        self.0.middle_name.as_deref()
    }
    #[getter]
    fn formatted(&self) -> Option<&str> {
        self.0.formatted.as_deref()
    }
    /// The wire form (camelCase, unknown fields included).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        wire(py, &self.0)
    }
    #[pyo3(signature = (key, default = None))]
    fn get(&self, py: Python<'_>, key: &str, default: Option<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        raw_field(py, &self.0, key, default)
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyContactName>()
            .is_ok_and(|o| o.get().0 == self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "ContactName(given_name={:?}, family_name={:?})",
            self.0.given_name, self.0.family_name
        )
    }
}

/// An email address of a contact.
#[pyclass(module = "messenger_connect._native", name = "ContactEmail", frozen)]
pub struct PyContactEmail(pub ContactEmail);

#[pymethods]
impl PyContactEmail {
    #[new]
    fn new(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_mapping(data, "ContactEmail").map(PyContactEmail)
    }
    #[getter]
    fn value(&self) -> &str {
        &self.0.value
    }
    #[getter]
    fn r#type(&self) -> Option<&str> {
        self.0.kind.as_deref()
    }
    #[getter]
    fn primary(&self) -> bool {
        self.0.primary.unwrap_or(false)
    }
    /// The wire form (camelCase, unknown fields included).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        wire(py, &self.0)
    }
    #[pyo3(signature = (key, default = None))]
    fn get(&self, py: Python<'_>, key: &str, default: Option<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        raw_field(py, &self.0, key, default)
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyContactEmail>()
            .is_ok_and(|o| o.get().0 == self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "ContactEmail(value={:?}, type={:?})",
            self.0.value, self.0.kind
        )
    }
}

/// A phone number of a contact.
#[pyclass(
    module = "messenger_connect._native",
    name = "ContactPhoneNumber",
    frozen
)]
pub struct PyContactPhoneNumber(pub ContactPhoneNumber);

#[pymethods]
impl PyContactPhoneNumber {
    #[new]
    fn new(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_mapping(data, "ContactPhoneNumber").map(PyContactPhoneNumber)
    }
    #[getter]
    fn value(&self) -> &str {
        &self.0.value
    }
    #[getter]
    fn r#type(&self) -> Option<&str> {
        self.0.kind.as_deref()
    }
    /// The wire form (camelCase, unknown fields included).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        wire(py, &self.0)
    }
    #[pyo3(signature = (key, default = None))]
    fn get(&self, py: Python<'_>, key: &str, default: Option<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        raw_field(py, &self.0, key, default)
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyContactPhoneNumber>()
            .is_ok_and(|o| o.get().0 == self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "ContactPhoneNumber(value={:?}, type={:?})",
            self.0.value, self.0.kind
        )
    }
}

/// A contact of the user's address book (Portable Contacts fields). Attributes are
/// converted when read; `to_dict()` gives the wire form; `get(key)` any raw field.
#[pyclass(module = "messenger_connect._native", name = "Contact", frozen)]
pub struct PyContact(pub Contact);

#[pymethods]
impl PyContact {
    /// A contact from its wire form (a mapping with at least `id`).
    #[new]
    fn new(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        from_mapping(data, "Contact").map(PyContact)
    }
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    /// Version, for `if_match`.
    #[getter]
    fn etag(&self) -> Option<&str> {
        self.0.etag.as_deref()
    }
    #[getter]
    fn display_name(&self) -> &str {
        &self.0.display_name
    }
    #[getter]
    fn name(&self) -> PyContactName {
        PyContactName(self.0.name.clone())
    }
    #[getter]
    fn nickname(&self) -> Option<&str> {
        self.0.nickname.as_deref()
    }
    #[getter]
    fn emails<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            self.0
                .emails
                .iter()
                .map(|e| Py::new(py, PyContactEmail(e.clone())))
                .collect::<PyResult<Vec<_>>>()?,
        )
    }
    #[getter]
    fn phone_numbers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            self.0
                .phone_numbers
                .iter()
                .map(|e| Py::new(py, PyContactPhoneNumber(e.clone())))
                .collect::<PyResult<Vec<_>>>()?,
        )
    }
    /// Postal addresses, in wire form.
    #[getter]
    fn addresses(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        wire(py, &self.0.addresses)
    }
    /// Organizations, in wire form.
    #[getter]
    fn organizations(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        wire(py, &self.0.organizations)
    }
    #[getter]
    fn birthday(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        date(py, self.0.birthday.as_ref())
    }
    #[getter]
    fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    #[getter]
    fn tags(&self) -> Vec<&str> {
        self.0.tags.iter().map(String::as_str).collect()
    }
    #[getter]
    fn is_friend(&self) -> bool {
        self.0.is_friend
    }
    #[getter]
    fn friend_id(&self) -> Option<&str> {
        self.0.friend_id.as_deref()
    }
    #[getter]
    fn published(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        datetime(py, self.0.published.as_ref())
    }
    #[getter]
    fn updated(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        datetime(py, self.0.updated.as_ref())
    }
    /// The wire form (camelCase keys, unknown fields included); a new dict each call.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        wire(py, &self.0)
    }
    /// A raw field by its wire name (also fields this version does not know).
    #[pyo3(signature = (key, default = None))]
    fn get(&self, py: Python<'_>, key: &str, default: Option<Py<PyAny>>) -> PyResult<Py<PyAny>> {
        raw_field(py, &self.0, key, default)
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyContact>().is_ok_and(|o| o.get().0 == self.0)
    }
    fn __hash__(&self) -> isize {
        hash_of("Contact", &self.0.id)
    }
    fn __repr__(&self) -> String {
        format!(
            "Contact(id={:?}, displayName={:?})",
            self.0.id, self.0.display_name
        )
    }
    /// Pickling and `copy.deepcopy`: rebuilt from the wire form.
    fn __reduce__(slf: &Bound<'_, Self>) -> PyResult<(Py<PyType>, (Py<PyAny>,))> {
        let py = slf.py();
        Ok((slf.get_type().unbind(), (wire(py, &slf.get().0)?,)))
    }
}

/// One change of a delta round: `removed` is True for a deletion (then only `id` and
/// `reason` are known), else `item` is the contact as it is now.
#[pyclass(module = "messenger_connect._native", name = "DeltaChange", frozen)]
pub struct PyDeltaChange {
    item: Option<Py<PyContact>>,
    removed: Option<(String, String)>,
}

impl PyDeltaChange {
    pub fn new(py: Python<'_>, change: CoreChange<Contact>) -> PyResult<PyDeltaChange> {
        Ok(match change {
            CoreChange::Upsert(c) => PyDeltaChange {
                item: Some(Py::new(py, PyContact(c))?),
                removed: None,
            },
            CoreChange::Removed { id, reason } => PyDeltaChange {
                item: None,
                removed: Some((id, reason)),
            },
        })
    }
}

#[pymethods]
impl PyDeltaChange {
    #[getter]
    fn id(&self, py: Python<'_>) -> Py<PyAny> {
        match (&self.item, &self.removed) {
            (Some(c), _) => PyString::new(py, &c.get().0.id).into_any().unbind(),
            (None, Some((id, _))) => PyString::new(py, id).into_any().unbind(),
            (None, None) => PyString::new(py, "").into_any().unbind(),
        }
    }
    #[getter]
    fn removed(&self) -> bool {
        self.removed.is_some()
    }
    /// Why it was removed (`deleted`), or None for an upsert.
    #[getter]
    fn reason(&self, py: Python<'_>) -> Py<PyAny> {
        opt_str(py, self.removed.as_ref().map(|(_, r)| r.as_str()))
    }
    /// The contact as it is now, or None for a removal.
    #[getter]
    fn item(&self, py: Python<'_>) -> Option<Py<PyContact>> {
        self.item.as_ref().map(|c| c.clone_ref(py))
    }
    /// The wire form: the contact, or `{"id", "@removed": {"reason"}}`.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match (&self.item, &self.removed) {
            (Some(c), _) => wire(py, &c.get().0),
            (None, Some((id, reason))) => wire(
                py,
                &serde_json::json!({ "id": id, "@removed": { "reason": reason } }),
            ),
            (None, None) => Ok(PyDict::new(py).into_any().unbind()),
        }
    }
    /// `DeltaChange[Contact]` in annotations.
    #[classmethod]
    fn __class_getitem__(cls: &Bound<'_, PyType>, _item: &Bound<'_, PyAny>) -> Py<PyType> {
        cls.clone().unbind()
    }
    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "DeltaChange(id={:?}, removed={})",
            self.id(py).to_string(),
            if self.removed.is_some() {
                "True"
            } else {
                "False"
            }
        )
    }
}
