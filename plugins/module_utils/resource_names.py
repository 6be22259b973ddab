# Copyright: Contributors to the storytime.video_infra collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The names the collection gives an environment's AWS resources: the one place that states the rules.

Every role's default for a name, the playbooks (rotation, key injection, teardown) and the docs' table come from
:data:`RULES`; a role takes the name as an input (its ``defaults/main.yml`` asks the filter
``storytime.video_infra.resource_names`` for it) and never reads another role's variables. ``site.yml`` hands the
names a role owns (the buckets of ``storage``, the secret of ``secrets``) to the roles that use them.
"""

from __future__ import annotations

#: name -> (format, what it names). ``{project}`` is storytime_project_name, ``{environment}`` storytime_environment.
RULES = {
    "prefix": ("{project}-{environment}", "the prefix of the names below and of the collection's public keys"),
    "master_uploads_bucket": ("{project}-master-uploads-{environment}", "S3 bucket of the master uploads"),
    "hls_outputs_bucket": ("{project}-hls-outputs-{environment}", "S3 bucket of the HLS outputs"),
    "access_logs_bucket": ("{project}-access-logs-{environment}", "S3 bucket of the access logs"),
    "private_key_secret": (
        "{project}/{environment}/cloudfront_private_key",
        "Secrets Manager secret of the CloudFront signing key pair",
    ),
    "origin_access_control": ("{project}-{environment}-hls", "CloudFront origin access control of the HLS bucket"),
    "manifest_cache_policy": ("{project}-{environment}-hls-manifests", "CloudFront cache policy of the playlists"),
    "segment_cache_policy": ("{project}-{environment}-hls-segments", "CloudFront cache policy of the segments"),
    "players_policy": (
        "{project}-{environment}-hls-players",
        "CloudFront response headers policy of the web players",
    ),
    "key_group": ("{project}-{environment}-hls-signers", "CloudFront key group of the signing keys"),
    "distribution": ("{project}-{environment}-hls", "comment that identifies the CloudFront distribution"),
    "web_acl": ("{project}-{environment}-hls", "AWS WAF web ACL of the distribution"),
    "standard_logging": ("{project}-{environment}-hls", "CloudWatch Logs delivery of the distribution's logs"),
    "mediaconvert_role": ("{project}-{environment}-mediaconvert", "IAM role MediaConvert assumes"),
    "mediaconvert_log_group": ("/aws/mediaconvert/{project}-{environment}", "CloudWatch Logs group of the jobs"),
    "rails_policy": ("{project}-{environment}-rails-app", "IAM policy of the Rails app"),
    "mediaconvert_queue": ("{project}-{environment}", "MediaConvert queue"),
    "job_template": ("{project}-{environment}-hls-abr", "MediaConvert job template of the HLS ladder"),
    "mediaconvert_notifications": (
        "{project}-{environment}-mediaconvert-jobs",
        "SQS queue or SNS topic and EventBridge rule of the job-state changes",
    ),
    "ssm_path": ("/{project}/{environment}", "SSM parameter path of the outputs"),
}


def resource_names(project: str, environment: str) -> dict[str, str]:
    """Every name of :data:`RULES` for one environment.

    The inventory check validates storytime_project_name and storytime_environment, and each role the names it
    uses, with the rules AWS applies (``aws_name_problems``), so the names are formed here as they are.
    """
    return {key: rule.format(project=project, environment=environment) for key, (rule, _what) in RULES.items()}


def resource_name(project: str, environment: str, key: str) -> str:
    """One name of :data:`RULES`."""
    if key not in RULES:
        raise ValueError(f"unknown resource name {key!r}; known: {', '.join(sorted(RULES))}")
    return resource_names(project, environment)[key]
