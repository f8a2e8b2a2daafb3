//! Argument and result conversion: JSON values to and from Python objects, OData queries
//! and filters from their Python form. Wrong types are `TypeError`, wrong values
//! `ValueError`, always before any request.

use messenger_connect::{Error, Filter, Literal, Order, Query};
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

fn literal(obj: &Bound<'_, PyAny>) -> PyResult<Literal> {
    if obj.is_none() {
        return Ok(Literal::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Literal::Bool(b.is_true()));
    }
    if obj.cast::<PyInt>().is_ok() {
        return Ok(Literal::Int(obj.extract::<i64>().map_err(|_| {
            PyValueError::new_err("filter value: integer out of range")
        })?));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Literal::Float(f.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Literal::String(s.to_cow()?.into_owned()));
    }
    if obj.hasattr("isoformat")? && obj.hasattr("utcoffset")? {
        if obj.call_method0("utcoffset")?.is_none() {
            return Err(PyValueError::new_err(
                "filter value: a datetime needs a timezone (e.g. timezone.utc)",
            ));
        }
        let text: String = obj.call_method0("isoformat")?.extract()?;
        let at = chrono::DateTime::parse_from_rfc3339(&text)
            .map_err(|e| PyValueError::new_err(format!("filter value: {e}")))?;
        return Ok(Literal::DateTime(at.with_timezone(&chrono::Utc)));
    }
    Err(PyTypeError::new_err(format!(
        "filter value: unsupported type {}",
        obj.get_type().name()?
    )))
}

fn get<'py>(node: &Bound<'py, PyDict>, key: &str) -> PyResult<Bound<'py, PyAny>> {
    node.get_item(key)?
        .ok_or_else(|| PyValueError::new_err(format!("filter node without `{key}`")))
}

fn string(node: &Bound<'_, PyDict>, key: &str) -> PyResult<String> {
    get(node, key)?
        .extract::<String>()
        .map_err(|_| PyTypeError::new_err(format!("filter `{key}` must be a str")))
}

/// A filter from the node tree `messenger_connect.Filter` builds.
pub fn filter(obj: &Bound<'_, PyAny>) -> PyResult<Filter> {
    let node = obj
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err("`filter` must be a messenger_connect.Filter"))?;
    let op = string(node, "op")?;
    Ok(match op.as_str() {
        "eq" | "ne" | "gt" | "ge" | "lt" | "le" => {
            let field = string(node, "field")?;
            let value = literal(&get(node, "value")?)?;
            match op.as_str() {
                "eq" => Filter::eq(field, value),
                "ne" => Filter::ne(field, value),
                "gt" => Filter::gt(field, value),
                "ge" => Filter::ge(field, value),
                "lt" => Filter::lt(field, value),
                _ => Filter::le(field, value),
            }
        }
        "startswith" => Filter::startswith(string(node, "field")?, string(node, "value")?),
        "endswith" => Filter::endswith(string(node, "field")?, string(node, "value")?),
        "contains" => Filter::contains(string(node, "field")?, string(node, "value")?),
        "in" => {
            let mut values = Vec::new();
            for v in get(node, "values")?.try_iter()? {
                values.push(literal(&v?)?);
            }
            Filter::In(string(node, "field")?, values)
        }
        "and" => filter(&get(node, "left")?)?.and(filter(&get(node, "right")?)?),
        "or" => filter(&get(node, "left")?)?.or(filter(&get(node, "right")?)?),
        "not" => filter(&get(node, "inner")?)?.not(),
        "any" => Filter::any(string(node, "field")?, filter(&get(node, "inner")?)?),
        other => {
            return Err(PyValueError::new_err(format!(
                "unknown filter operator `{other}`"
            )));
        }
    })
}

/// OData options from keyword arguments; checked like core checks them (field names,
/// `top` 1..1000) so a bad query fails before any request.
#[allow(clippy::too_many_arguments)]
pub fn query(
    filter_node: Option<&Bound<'_, PyAny>>,
    orderby: Option<Vec<String>>,
    select: Option<Vec<String>>,
    top: Option<i64>,
    skip: Option<i64>,
    count: bool,
    search: Option<String>,
) -> PyResult<Query> {
    let mut q = Query::new().count(count);
    if let Some(f) = filter_node.filter(|f| !f.is_none()) {
        q = q.filter(filter(f)?);
    }
    for key in orderby.unwrap_or_default() {
        let mut parts = key.split_whitespace();
        let field = parts.next().unwrap_or("");
        let order = match parts.next() {
            None | Some("asc") => Order::Asc,
            Some("desc") => Order::Desc,
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "`orderby`: `{other}` is not asc or desc"
                )));
            }
        };
        if parts.next().is_some() || field.is_empty() {
            return Err(PyValueError::new_err(format!(
                "`orderby`: `{key}` is not `field [asc|desc]`"
            )));
        }
        q = q.order_by(field, order);
    }
    if let Some(fields) = select {
        q = q.select(fields);
    }
    if let Some(top) = top {
        let top =
            u32::try_from(top).map_err(|_| PyValueError::new_err("`top` must be 1 to 1000"))?;
        q = q.top(top);
    }
    if let Some(skip) = skip {
        let skip = u32::try_from(skip).map_err(|_| PyValueError::new_err("`skip` must be ≥ 0"))?;
        q = q.skip(skip);
    }
    if let Some(s) = search {
        q = q.search(s);
    }
    Ok(q)
}
