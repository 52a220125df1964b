"""Image references: the grammar ECS pulls by, and which private ECR repository an image lives in."""

from __future__ import annotations

import pytest

from mesh_components.topology.images import (EcrRepository, ImageReference, ImageReferenceError, ecr_repositories,
                                             ecr_repository, parse_image)

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize("text,expected", [
    ("nginx", ImageReference(None, "nginx", None, None)),
    ("forsakenidol/colorapp", ImageReference(None, "forsakenidol/colorapp", None, None)),
    ("amazon/aws-xray-daemon:3.3.13", ImageReference(None, "amazon/aws-xray-daemon", "3.3.13", None)),
    ("public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod",
     ImageReference("public.ecr.aws", "appmesh/aws-appmesh-envoy", "v1.29.6.0-prod", None)),
    ("localhost:5000/team/app:1.0", ImageReference("localhost:5000", "team/app", "1.0", None)),
    (f"registry.example.com/a__b/c-d.e@{DIGEST}", ImageReference("registry.example.com", "a__b/c-d.e", None, DIGEST)),
    (f"app:1.2@{DIGEST}", ImageReference(None, "app", "1.2", DIGEST)),
])
def test_valid_references_parse_into_their_parts(text, expected):
    assert parse_image(text) == expected


@pytest.mark.parametrize("text,reason", [
    ("", "is empty"),
    ("forsakenidol/color app", "contains whitespace"),
    ("nginx:1.27 ", "contains whitespace"),
    ("Nginx", "has repository path component 'Nginx'"),
    ("team/-app", "has repository path component '-app'"),
    ("team//app", "has repository path component ''"),
    ("nginx:", "has tag ''"),
    ("nginx:-1", "has tag '-1'"),
    ("nginx:" + "a" * 129, "has tag"),
    ("nginx@sha256:abc", "has digest 'sha256:abc'"),
    ("nginx@sha256:" + "a" * 63, "has a sha256 digest of 63 hex digits; sha256 has 64"),
    ("bad_host.example.com/app", "has registry 'bad_host.example.com'"),
    ("registry.example.com/", "names no repository"),
    ("a" * 256, "has a 256-character name; at most 255"),
])
def test_invalid_references_say_what_is_wrong(text, reason):
    with pytest.raises(ImageReferenceError) as raised:
        parse_image(text)
    assert str(raised.value).startswith(reason)


@pytest.mark.parametrize("text,expected", [
    ("840364872350.dkr.ecr.us-west-2.amazonaws.com/aws-appmesh-envoy:v1.29.6.0-prod",
     EcrRepository("840364872350", "us-west-2", "aws-appmesh-envoy")),
    (f"111122223333.dkr.ecr.eu-central-1.amazonaws.com/team/app@{DIGEST}",
     EcrRepository("111122223333", "eu-central-1", "team/app")),
    ("111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app:1", EcrRepository("111122223333", "us-gov-west-1", "app")),
    ("111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/app:1", EcrRepository("111122223333", "cn-north-1", "app")),
    ("111122223333.dkr-ecr.ap-south-1.on.aws/app:1", EcrRepository("111122223333", "ap-south-1", "app")),
    ("public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod", None),
    ("forsakenidol/colorapp", None),
    ("ghcr.io/team/app:1", None),
    ("11112222333.dkr.ecr.us-east-1.amazonaws.com/app:1", None),  # 11 digits: not an account, not ECR
])
def test_private_ecr_images_name_their_repository(text, expected):
    assert ecr_repository(parse_image(text)) == expected


def test_repository_arns_take_the_partition_given():
    repository = EcrRepository("840364872350", "us-west-2", "aws-appmesh-envoy")
    assert repository.arn("aws") == "arn:aws:ecr:us-west-2:840364872350:repository/aws-appmesh-envoy"
    assert repository.arn("aws-cn").startswith("arn:aws-cn:ecr:")


def test_repositories_are_distinct_and_sorted():
    images = ["222233334444.dkr.ecr.us-east-1.amazonaws.com/b:1", "nginx",
              "111122223333.dkr.ecr.us-east-1.amazonaws.com/a:1", "222233334444.dkr.ecr.us-east-1.amazonaws.com/b:2"]
    assert ecr_repositories(images) == [EcrRepository("111122223333", "us-east-1", "a"),
                                        EcrRepository("222233334444", "us-east-1", "b")]
