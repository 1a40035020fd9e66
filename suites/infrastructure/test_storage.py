"""Object storage (S3): the app's bucket exists and is reachable with the app's own key, encrypts,
keeps versions, expires old files, serves public files through the CDN, signs links that really
expire, and stores, returns and deletes a file byte for byte."""

import hashlib
import time

from botocore.exceptions import ClientError

from golive import check, expect, required
from golive.outcomes import CheckFailed
from golive.probes import storage as probe
from golive.storage import error_code, s3_call, s3_optional, s3_where

#: objects whose encryption is inspected (HeadObject each): the first of the bucket's listing
SAMPLE_OBJECTS = 5


@check("INF-S3-001", "The app's bucket exists and answers HeadBucket with the app's credentials", critical=True,
       items=["realserv:INF-FILES-01"])
def test_bucket_reachable_with_app_credentials(storage_config, s3):
    bucket = storage_config.bucket
    s3_call(s3.head_bucket, f"bucket {bucket} is not usable with the app's credentials",
            where=s3_where(s3, bucket), Bucket=bucket)


@check("INF-S3-002", "Bucket encrypts at rest: a default SSE rule, and stored objects report SSE", critical=True,
       items=["realserv:INF-FILES-02"])
def test_bucket_encryption(storage_config, s3):
    bucket, where = storage_config.bucket, s3_where(s3, storage_config.bucket)
    answer = s3_optional(s3.get_bucket_encryption, "ServerSideEncryptionConfigurationNotFoundError",
                         f"cannot read the encryption of {bucket}", where=where, Bucket=bucket)
    configuration = answer["ServerSideEncryptionConfiguration"] if answer else None
    expect.no_findings(probe.encryption_findings(configuration), f"bucket {bucket} has no default encryption", where=where)
    listing = s3_call(s3.list_objects_v2, f"cannot list bucket {bucket}", where=where, Bucket=bucket, MaxKeys=SAMPLE_OBJECTS)
    keys = [obj["Key"] for obj in listing.get("Contents", [])]
    objects = {key: s3_call(s3.head_object, f"cannot read {key}", where=s3_where(s3, bucket, key),
                            Bucket=bucket, Key=key).get("ServerSideEncryption") for key in keys}
    expect.no_findings(probe.object_encryption_findings(objects), f"objects in {bucket} are stored unencrypted", where=where)


@check("INF-S3-003", "Bucket versioning is Enabled", items=["realserv:INF-FILES-03"])
def test_bucket_versioning(storage_config, s3):
    bucket = storage_config.bucket
    response = s3_call(s3.get_bucket_versioning, f"cannot read versioning of {bucket}",
                       where=s3_where(s3, bucket), Bucket=bucket)
    expect.no_findings(probe.versioning_findings(response), f"bucket {bucket} does not keep versions",
                       where=s3_where(s3, bucket))


@check("INF-S3-004", "Bucket lifecycle policy expires old files", items=["realserv:INF-FILES-04"])
def test_bucket_lifecycle(storage_config, s3):
    bucket = storage_config.bucket
    answer = s3_optional(s3.get_bucket_lifecycle_configuration, "NoSuchLifecycleConfiguration",
                         f"cannot read the lifecycle of {bucket}", where=s3_where(s3, bucket), Bucket=bucket)
    rules = answer.get("Rules", []) if answer else None
    expect.no_findings(probe.lifecycle_findings(rules), f"bucket {bucket} never deletes old files",
                       where=s3_where(s3, bucket))


@check("INF-S3-005", "Public files are served through the CDN with a caching policy", items=["realserv:INF-FILES-05"])
def test_public_files_via_cdn(storage_config, http):
    prefix = required(storage_config.public_url_prefix, "the public file URL prefix (storage.public_url_prefix)")
    sample = required(storage_config.public_sample_key, "a public file to fetch (storage.public_sample_key)")
    url = str(prefix).rstrip("/") + "/" + sample.lstrip("/")
    response = http.get(url)
    expect.status(response, 200, "the public file is not served", fix="check the distribution's origin and path pattern")
    expect.no_findings(probe.cdn_findings(response.headers, storage_config.cdn or "any"),
                       "public files bypass the CDN", where=expect.where(response))


@check("INF-S3-006", "Presigned GET serves the object; expired and tampered presigned URLs are refused",
       safety="probe", items=["realserv:INF-FILES-06"])
def test_presigned_urls(storage_config, s3, http):
    bucket = storage_config.bucket
    # a named, non-sensitive object: the download is attached to the report
    key = required(storage_config.presign_sample_key or storage_config.public_sample_key,
                   "a non-sensitive object to presign (storage.presign_sample_key)")
    expected_size = s3_call(s3.head_object, f"the sample object {key} is not readable", where=s3_where(s3, bucket, key),
                            Bucket=bucket, Key=key)["ContentLength"]
    params = {"Bucket": bucket, "Key": key}

    url = s3.generate_presigned_url("get_object", Params=params, ExpiresIn=storage_config.presign_expires_s)
    response = http.get(url, intent="probe")
    expect.status(response, 200, "a freshly presigned GET is not served",
                  fix="the app's key must be allowed s3:GetObject; check clock skew on the app servers")
    expect.true(len(response.content) == expected_size, "the presigned GET returned another object",
                expected=f"{expected_size} bytes", found=f"{len(response.content)} bytes", where=expect.where(response))

    findings = []
    tampered = http.get(probe.tampered_presigned_url(url), intent="probe")
    findings += probe.refused_findings("presigned-url-tampering-accepted", tampered.status_code,
                                       "a presigned URL whose key was changed")
    stretched = http.get(probe.extended_presigned_url(url), intent="probe")
    findings += probe.refused_findings("presigned-url-lifetime-editable", stretched.status_code,
                                       "a presigned URL whose X-Amz-Expires was raised")
    short_lived = s3.generate_presigned_url("get_object", Params=params, ExpiresIn=1)
    time.sleep(2.1)  # past its one-second lifetime (X-Amz-Date has one-second resolution)
    expired = http.get(short_lived, intent="probe")
    findings += probe.refused_findings("presigned-url-never-expires", expired.status_code, "an expired presigned URL")
    expect.no_findings(findings, "presigned URLs are not enforced", where=s3_where(s3, bucket, key))


@check("INF-S3-007", "A file (COA / document) uploads, downloads byte for byte and deletes", safety="mutating",
       items=["realserv:TEST-INT-06", "arogya:S5-TASK-05"], gates=["S5"])
def test_upload_download_delete(storage_config, s3, compensate):
    bucket = storage_config.bucket
    key = f"{storage_config.upload_prefix.rstrip('/')}/{compensate.tag}.pdf"
    where = s3_where(s3, bucket, key)
    payload = b"%PDF-1.4\n% golive certificate of analysis " + compensate.tag.encode() + b"\n" + bytes(range(256)) * 16
    # before the upload: the undo removes every version of the key (it holds the run tag, so it is ours)
    undo = compensate.undo_s3(f"delete {where}", bucket, key)
    try:
        created = s3_call(s3.put_object, "the app cannot upload a file", where=where, Bucket=bucket, Key=key,
                          Body=payload, ContentType="application/pdf")
    except CheckFailed:  # S3 answered with a refusal: nothing was stored
        compensate.not_created(undo.id, "the upload was refused")
        raise
    version = created.get("VersionId")
    # remove exactly the version we wrote (a plain DELETE on a versioned bucket only hides it)
    undo_params = {"Bucket": bucket, "Key": key, **({"VersionId": version} if version else {})}

    downloaded = s3_call(s3.get_object, "the app cannot read back its upload", where=where, Bucket=bucket, Key=key)
    body = downloaded["Body"].read()
    expect.true(hashlib.sha256(body).hexdigest() == hashlib.sha256(payload).hexdigest(),
                "the downloaded file differs from the upload",
                expected=f"{len(payload)} bytes, sha256 {hashlib.sha256(payload).hexdigest()[:16]}",
                found=f"{len(body)} bytes, sha256 {hashlib.sha256(body).hexdigest()[:16]}", where=where,
                fix="look for a proxy or transform (compression, encoding) between the app and the bucket")

    s3_call(s3.delete_object, "the app cannot delete its upload", where=where, **undo_params)
    try:
        s3.head_object(Bucket=bucket, Key=key)
        still_there = True
    except ClientError as error:
        still_there = error_code(error) not in ("404", "NoSuchKey", "NotFound")
    expect.true(not still_there, "the deleted file is still served", expected="HeadObject 404 after delete",
                found="the object still answers", where=where,
                fix="the app's role needs s3:DeleteObject (and s3:DeleteObjectVersion on versioned buckets)")
