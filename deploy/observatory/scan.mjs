// Scores pages with the MDN HTTP Observatory's own retrieval, tests and grading, on any port
// and path (its scan() only looks at a host's root on ports 80 and 443).
//
//   NODE_EXTRA_CA_CERTS=ca.pem node scan.mjs HOST HTTP_PORT HTTPS_PORT PATH [PATH ...]
//
// Prints one JSON object: {"<path>": {score, grade, uncurvedScore, tests: {name: {...}}}}.
// Grading follows the library's scan(): modifiers are added to 100; extra credit (positive
// modifiers) only counts when the score without it reaches MINIMUM_SCORE_FOR_EXTRA_CREDIT.
import { retrieve } from "@mdn/mdn-http-observatory/src/retriever/retriever.js";
import { ALL_TESTS } from "@mdn/mdn-http-observatory/src/constants.js";
import {
  getGradeForScore,
  getScoreModifier,
} from "@mdn/mdn-http-observatory/src/grader/grader.js";
import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from "@mdn/mdn-http-observatory/src/grader/charts.js";

const [host, httpPort, httpsPort, ...paths] = process.argv.slice(2);
if (!host || !httpPort || !httpsPort || paths.length === 0) {
  console.error("usage: node scan.mjs HOST HTTP_PORT HTTPS_PORT PATH [PATH ...]");
  process.exit(2);
}

async function score(path) {
  const requests = await retrieve(host, {
    httpPort: Number(httpPort),
    httpsPort: Number(httpsPort),
    path,
  });
  const auto = requests.responses.auto;
  if (!auto) {
    return { error: "the site did not answer" };
  }
  let withExtraCredit = 100;
  let uncurved = 100;
  const tests = {};
  for (const test of ALL_TESTS) {
    const output = test(requests);
    const modifier = output.result ? getScoreModifier(output.result) : 0;
    withExtraCredit += modifier;
    if (modifier < 0) {
      uncurved += modifier;
    }
    tests[output.constructor.name] = { result: output.result, pass: output.pass, modifier };
  }
  const total = uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved;
  const { grade, score } = getGradeForScore(total);
  return { status: auto.status, score, grade, uncurvedScore: uncurved, tests };
}

const report = {};
for (const path of paths) {
  try {
    report[path] = await score(path);
  } catch (error) {
    report[path] = { error: String(error) };
  }
}
console.log(JSON.stringify(report, null, 2));
