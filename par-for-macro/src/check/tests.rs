//! The check phase on its own: the plan each form gets, and every problem of one
//! statement reported together.

use syn::parse_quote;

use super::{check, check_options, Gather, Plan, Schedule};
use crate::ast::{Form, Marked};
use crate::attr::Options;
use crate::error::Errors;

/// Parses `options` (the inside of `#[par_for(...)]`) and checks `stmt` with them.
fn plan(options: &str, stmt: syn::Stmt) -> syn::Result<Plan> {
    let mut errors = Errors::default();
    let options = Options::parse(options.parse().expect("tokens"), &mut errors);
    errors.finish()?;
    let options = options.expect("options parse");
    check_options(&options)?;
    check(Marked {
        options,
        form: Form::of(stmt),
        parallel_labels: Vec::new(),
    })
}

fn messages(result: syn::Result<Plan>) -> Vec<String> {
    match result {
        Ok(_) => Vec::new(),
        Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn each_form_gets_its_plan() {
    let for_loop = plan(
        "",
        parse_quote!(for x in 0..10 {
            f(x);
        }),
    );
    assert!(matches!(for_loop, Ok(Plan::Loop(_))));
    let pipeline = plan(
        "",
        parse_quote!(let v: Vec<u32> = xs.iter().map(f).collect();),
    );
    assert!(matches!(pipeline, Ok(Plan::Pipeline(_))));
    let stream = plan(
        "stream",
        parse_quote!(for r in xs.map(f) {
            g(r);
        }),
    );
    assert!(matches!(stream, Ok(Plan::Stream(_))));
    let distributed = plan(
        "distribute, schedule = cyclic",
        parse_quote!(for x in 0..10 {
            f(x);
        }),
    );
    assert!(matches!(
        distributed,
        Ok(Plan::DistributedLoop {
            schedule: Schedule::Cyclic,
            ..
        })
    ));
}

#[test]
fn a_loop_plan_knows_its_jumps_and_reads() {
    let Ok(Plan::Loop(loop_plan)) = plan(
        "",
        parse_quote!(for x in 0..10 {
            if x == limit {
                return Some(x);
            }
        }),
    ) else {
        panic!("a plain loop is planned as a loop");
    };
    assert!(loop_plan.jumps.returns);
    assert!(!loop_plan.jumps.breaks);
    assert_eq!(loop_plan.reads.reads, ["limit"]);
}

#[test]
fn a_distributed_pipeline_is_cut_after_the_adapters_that_keep_positions() {
    let Ok(Plan::DistributedPipeline { cut, gather, .. }) = plan(
        "distribute",
        parse_quote!(let v: Vec<u32> = xs.iter().enumerate().map(f).filter(g).map(h).collect();),
    ) else {
        panic!("a distributed pipeline is planned as one");
    };
    // `enumerate` and `map` keep positions; `filter` does not, and the `map` after it
    // runs on each rank's pieces.
    assert_eq!(cut, 2);
    assert!(matches!(gather, Gather::Collect));

    let found = messages(plan(
        "distribute",
        parse_quote!(let p = xs.iter().filter(g).position(k);),
    ));
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("`position` after `filter`"),
        "{found:?}"
    );
}

#[test]
fn every_problem_of_a_statement_is_reported_together() {
    let found = messages(plan(
        "stream, reduce(t: +), min_len = 2",
        parse_quote!(for r in xs.map(|x| {
            n += 1;
            x
        }) {
            if r {
                fetch(r).await;
            }
        }),
    ));
    let expected = [
        "cannot update `n`",
        "`.await` cannot be used in the body of a streaming loop",
        "`reduce(...)` does not apply to a streaming loop",
        "`min_len` does not apply to a streaming loop",
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for (message, start) in found.iter().zip(expected) {
        assert!(message.contains(start), "{message:?} should say {start:?}");
    }
}

#[test]
fn what_cannot_be_marked_is_refused_first() {
    let found = messages(plan(
        "distribute",
        parse_quote!(while go() {
            f();
        }),
    ));
    assert_eq!(found.len(), 1);
    assert!(found[0].starts_with("a `while` loop cannot be split across threads"));
}

#[test]
fn a_labelled_jump_around_the_loop_is_refused_in_a_parallel_loop_only() {
    let body: syn::Block = parse_quote!({
        if r > 3 {
            continue 'rows;
        }
        if r > 4 {
            break 'rows;
        }
    });
    let stream = plan("stream", parse_quote!(for r in xs.map(f) #body));
    match stream {
        Ok(Plan::Stream(stream)) => assert!(stream.jumps.outer),
        _ => panic!("a stream's body runs on the calling thread: it may jump around"),
    }
    let found = messages(plan("", parse_quote!(for r in xs #body)));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("`continue 'rows` jumps to a loop outside"));
    assert!(found[1].starts_with("`break 'rows` jumps to a loop outside"));
}

#[test]
fn a_reduction_variable_given_twice_is_reported_at_its_second_mention() {
    let body: syn::Stmt = parse_quote!(for x in 0..10 {
        acc += x;
    });
    for options in ["reduce(acc: +, acc: +)", "reduce(acc: +), reduce(acc: max)"] {
        let found = messages(plan(options, body.clone()));
        assert_eq!(found.len(), 1, "{options}: {found:?}");
        assert!(
            found[0].starts_with("`acc` is given twice in `reduce(..)`"),
            "{options}: {found:?}"
        );
    }
    assert!(messages(plan("reduce(acc: +, other: +)", body)).is_empty());
}

#[test]
fn options_from_python_s_pool_say_what_to_write() {
    let body: syn::Stmt = parse_quote!(for x in 0..10 {
        f(x);
    });
    let cases = [
        ("processes = 4", "write `threads = 4`"),
        ("workers = n", "write `threads = n`"),
        ("num_threads(4)", "write `threads = 4`"),
        ("num_threads", "write `threads = N`"),
        ("chunksize = 8", "write `min_len = 8`"),
        ("chunk_size = 8", "write `min_len = 8`"),
        ("ordered", "in input order already"),
    ];
    for (option, help) in cases {
        let found = messages(plan(option, body.clone()));
        assert_eq!(found.len(), 1, "{option}: {found:?}");
        assert!(found[0].contains(help), "{option}: {found:?}");
    }
    // Any other unknown option gets the list of options; a known one in parentheses,
    // that it takes a value.
    let found = messages(plan("verbose", body.clone()));
    assert!(
        found[0].contains("the options are `threads = N`"),
        "{found:?}"
    );
    let found = messages(plan("threads(4)", body));
    assert_eq!(found, ["`threads` needs a value: write `threads = ...`"]);
}

#[test]
fn an_adapter_after_a_stream_s_task_is_told_where_it_goes() {
    let cases: [(syn::Stmt, &str, &str); 5] = [
        (
            parse_quote!(for r in v.iter().map(f).skip(1) {}),
            "`.skip(1)` comes after the task",
            "`v.iter().skip(1).map(f)`",
        ),
        (
            parse_quote!(for (i, r) in v.iter().map(|i| i * 2).enumerate() {}),
            "`.enumerate()` comes after the task",
            "`v.iter().enumerate().map(|(index, i)| (index, i * 2))`",
        ),
        (
            parse_quote!(for r in v.iter().map(f).filter_map(g) {}),
            "`.filter_map(g)` comes after the task",
            "let Some(r) = g(r) else { continue };",
        ),
        (
            parse_quote!(for (a, b) in v.iter().map(f).filter(|p| p.0 > 1) {}),
            "`.filter(..)` comes after the task",
            "`for r in v.iter().map(|x| Some(f(x)).filter(|p| p.0 > 1)) { let Some((a, b)) = r else { continue }; .. }`",
        ),
        (
            parse_quote!(for r in v.iter().map(f).chain(w) {}),
            "`.chain(w)` comes after the task",
            "write `#[par_for(stream)] for r in items.map(|x| work(x)) { .. }`",
        ),
    ];
    for (stmt, message, help) in cases {
        let found = messages(plan("stream", stmt));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with(message), "{found:?}");
        assert!(found[0].contains(help), "{found:?} should contain {help:?}");
    }
    // Without a `map`: a last `filter_map` is the task; anything else, the form.
    let found = messages(plan(
        "stream",
        parse_quote!(for n in v.iter().filter_map(f) {}),
    ));
    assert!(
        found[0].contains("`for n in v.iter().map(f) { let Some(n) = n else { continue }; .. }`"),
        "{found:?}"
    );
    let found = messages(plan("stream", parse_quote!(for n in v.iter() {})));
    assert!(
        found[0].starts_with("a streaming loop iterates over"),
        "{found:?}"
    );
}

#[test]
fn a_field_decreased_in_the_body_is_told_to_add_up_what_is_taken_away() {
    let found = messages(plan(
        "",
        parse_quote!(for x in xs {
            self.balance -= x;
        }),
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(
            "`let mut balance = 0; #[par_for(reduce(balance: +))] for .. { balance += ..; } \
             self.balance -= balance;`"
        ),
        "{found:?}"
    );
}
