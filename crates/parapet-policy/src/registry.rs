//! The rule registry: each rule folder (`aws/`, `k8s/`) lists its rules
//! once; the macro declares the modules and reads each file's docs.

macro_rules! registry {
    ($dir:literal; $($module:ident :: $rule:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every built-in rule of this folder with the documentation of its file.
        pub(crate) fn rules() -> Vec<crate::rule::RegisteredRule> {
            vec![$(crate::rule::RegisteredRule {
                rule: Box::new($module::$rule),
                docs: crate::docs::RuleDocs::from_source(include_str!(concat!($dir, "/", stringify!($module), ".rs"))),
                source: "builtin".to_string(),
            }),*]
        }
    };
}

pub(crate) use registry;
