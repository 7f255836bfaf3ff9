"""Client-side routes of an SPA without custom error responses (docs/provision.md, "One origin").

A distribution-wide 403/404 -> /index.html mapping would also turn the API's own
403s and 404s into the app shell when the API shares the distribution. Instead a
CloudFront Function on the site's (default) behaviour only rewrites a path whose
last segment has no dot (`/`, `/dashboard`, `/users/42/`) to `/index.html`;
files (`/assets/app.js`, `/favicon.ico`) pass unchanged, and a missing one stays
an error. The API's behaviour never runs it.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from scaffolder.aws_rules import naming
from scaffolder_stacks._common import child

RUNTIME = "cloudfront-js-2.0"
APP_SHELL = "/index.html"

# cloudfront-js-2.0 (ES 5.1 plus a few ES6 features): var, indexOf, no regex needed.
SPA_REWRITE_JS = """\
function handler(event) {
    var request = event.request;
    var uri = request.uri;
    var last = uri.substring(uri.lastIndexOf('/') + 1);
    // A client-side route, not a file: the browser gets the app shell.
    if (last.indexOf('.') === -1) {
        request.uri = '/index.html';
    }
    return request;
}
"""


def spa_rewrite_function(
    name: str, parent: pulumi.Resource, *, prefix: str, service_name: str
) -> aws.cloudfront.Function:
    """The published viewer-request function for the site's default behaviour."""
    return aws.cloudfront.Function(
        f"{name}-spa-routes",
        name=naming.physical_name(naming.CLOUDFRONT_FUNCTION, prefix, service_name, "spa"),
        runtime=RUNTIME,
        comment="Client-side routes get /index.html; files and the API pass unchanged",
        code=SPA_REWRITE_JS,
        publish=True,
        opts=child(parent),
    )


def viewer_request(
    function: aws.cloudfront.Function,
) -> aws.cloudfront.DistributionDefaultCacheBehaviorFunctionAssociationArgs:
    return aws.cloudfront.DistributionDefaultCacheBehaviorFunctionAssociationArgs(
        event_type="viewer-request", function_arn=function.arn
    )
