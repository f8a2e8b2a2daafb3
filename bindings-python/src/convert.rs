//! Argument and result conversion: JSON values to and from Python objects, OData queries
//! and filters from their Python form. Wrong types are `TypeError`, wrong values
//! `ValueError`, always before any request.

use messenger_connect::Error;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::stream::{Item, NativeStream, convert};

/// What a core call hands back to Python.
pub enum Out {
    /// A model or page, in its wire form (dicts, lists, strings, numbers).
    Json(Value),
    /// An item, page or event stream.
    Stream(NativeStream),
    /// A model handed over as its Rust value (e.g. a contact).
    Item(Box<Item>),
    /// Stream items, each passed through the function if given: a list, or the one
    /// item itself when the flag is set.
    Items(Vec<Item>, Option<Py<PyAny>>, bool),
}

impl Out {
    pub fn into_py(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Out::Json(v) => Ok(to_py(py, &v)?.unbind()),
            Out::Stream(s) => Ok(Bound::new(py, s)?.into_any().unbind()),
            Out::Item(item) => (*item).into_py(py),
            Out::Items(items, wrap, single) => {
                let mut objs = convert(py, items, wrap.as_ref())?;
                if single {
                    Ok(objs.pop().unwrap_or_else(|| py.None()))
                } else {
                    Ok(PyList::new(py, objs)?.into_any().unbind())
                }
            }
        }
    }
}

/// A model's wire form.
pub fn json<T: Serialize>(value: &T) -> Result<Out, Error> {
    to_value(value).map(Out::Json)
}

pub fn to_value<T: Serialize>(value: &T) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| Error::Decode {
        status: 200,
        message: format!("cannot convert the result: {e}"),
        request_id: None,
    })
}

pub fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, item) in map {
                dict.set_item(k, to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// A Python value (dict, list, tuple, str, int, float, bool, None, or an object with a
/// `to_dict()` method such as a model) as JSON; `name` is the argument, for messages.
pub fn from_py(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.cast::<PyInt>().is_ok() {
        return match obj.extract::<i64>() {
            Ok(i) => Ok(Value::from(i)),
            Err(_) => Err(PyValueError::new_err(format!(
                "`{name}`: integer out of range"
            ))),
        };
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let x = f.value();
        return serde_json::Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err(format!("`{name}`: not a finite number")));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err(format!("`{name}`: dict keys must be str")))?
                .to_cow()?
                .to_string();
            let inner = format!("{name}.{key}");
            map.insert(key, from_py(&v, &inner)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            items.push(from_py(&item?, &format!("{name}[{i}]"))?);
        }
        return Ok(Value::Array(items));
    }
    if obj.hasattr("to_dict")? {
        return from_py(&obj.call_method0("to_dict")?, name);
    }
    if obj.hasattr("isoformat")? {
        return Ok(Value::String(
            obj.call_method0("isoformat")?.extract::<String>()?,
        ));
    }
    Err(PyTypeError::new_err(format!(
        "`{name}`: unsupported type {}",
        obj.get_type().name()?
    )))
}

/// A Python value decoded into a core model (`ValueError` naming the argument when the
/// shape is wrong).
pub fn model<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<T> {
    let value = from_py(obj, name)?;
    serde_json::from_value(value).map_err(|e| PyValueError::new_err(format!("`{name}`: {e}")))
}
