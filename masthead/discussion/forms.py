from django import forms

from masthead.discussion.models import (
    BODY_MAX_LENGTH,
    NAME_MAX_LENGTH,
    REJECTION_REASONS,
    Comment,
    ModerationRules,
)
from masthead.discussion.text import clean_line, clean_text

# One answer for every comment that cannot be answered (none such, not published, another
# post's): it tells nothing about which it was.
REPLY_TARGET_UNKNOWN = (
    "The comment you were replying to is not published under this post, so it cannot be "
    "answered. Your text is kept below: send it again to post it as a comment on the post."
)


class CleanTextField(forms.CharField):
    """Text cleaned (NFC, no control characters) before any validation sees it."""

    def __init__(self, *, one_line=False, **kwargs):
        self.one_line = one_line
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if "maxlength" in widget.attrs:
            # The browser keeps to the limit readers are told, not the looser pre-cleaning one.
            attrs.pop("maxlength", None)
        return attrs

    def to_python(self, value):
        value = super().to_python(value)
        if self.max_length is not None and len(value) > self.max_length:
            # Far beyond any real text: refused as it is, without spending time cleaning it.
            return value
        return clean_line(value) if self.one_line else clean_text(value)


class CommentForm(forms.Form):
    """What a reader submits. Limits are checked on the cleaned text, as it will be stored."""

    author_name = CleanTextField(
        one_line=True,
        label="Name",
        max_length=NAME_MAX_LENGTH * 4,  # the real limit is checked after cleaning
        error_messages={
            "required": "Please give a name to post under.",
            "max_length": f"Names can be at most {NAME_MAX_LENGTH} characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_MAX_LENGTH}),
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        error_messages={
            "required": "Please give your email address; it is never shown.",
            "invalid": "This does not look like an email address (name@example.org).",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = CleanTextField(
        label="Comment",
        max_length=BODY_MAX_LENGTH * 4,
        error_messages={
            "required": "Please write your comment.",
            "max_length": f"Comments can be at most {BODY_MAX_LENGTH:,} characters. "
            "Please shorten it.",
        },
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": BODY_MAX_LENGTH}),
        strip=False,
    )
    notify_on_publish = forms.BooleanField(label="Email me when it is published", required=False)
    # Honeypot: hidden from people by CSS and from assistive technology by aria-hidden.
    website = forms.CharField(required=False, label="Leave this empty")
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    # The comment this one answers, as the reply page filled it in. ``parent`` is the name
    # forms opened before threads kept who answered whom used; it means the same.
    in_reply_to = forms.CharField(required=False, widget=forms.HiddenInput)
    parent = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_author_name(self):
        name = self.cleaned_data["author_name"]
        if len(name) > NAME_MAX_LENGTH:
            raise forms.ValidationError(
                f"Names can be at most {NAME_MAX_LENGTH} characters (this one has {len(name)})."
            )
        return name

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        # Lower case can be longer than what was typed ("İ" becomes two characters).
        if len(email) > Comment._meta.get_field("email").max_length:
            raise forms.ValidationError("This email address is too long; please use a shorter one.")
        return email

    def clean_in_reply_to(self) -> int | None:
        if self.data.get("not_a_reply"):
            return None  # the reader chose to send the reply as a comment on the post
        raw = (self.data.get("in_reply_to") or self.data.get("parent") or "").strip()
        if not raw:
            return None
        # isascii: "²" is a digit to str.isdigit but not a number to int(); and no id
        # column holds a number of 19 digits or more.
        if raw.isascii() and raw.isdigit() and len(raw) < 19 and int(raw) > 0:
            return int(raw)
        raise forms.ValidationError(REPLY_TARGET_UNKNOWN, code="reply_target")

    def clean_parent(self) -> None:
        return None  # read by ``clean_in_reply_to``

    def clean_body(self):
        body = self.cleaned_data["body"]
        if len(body) > BODY_MAX_LENGTH:
            raise forms.ValidationError(
                f"Comments can be at most {BODY_MAX_LENGTH:,} characters "
                f"(this one has {len(body):,}). Please shorten it."
            )
        return body


class EditCommentForm(forms.Form):
    body = CommentForm.base_fields["body"]
    clean_body = CommentForm.clean_body


# The largest id a database integer column holds; a bigger "id" is no comment of ours.
LARGEST_ID = 2**63 - 1


class ReasonForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[("", "No reason given")] + [(r, r) for r in REJECTION_REASONS], required=False
    )


class DecisionForm(ReasonForm):
    ACTIONS = [("approve", "Approve"), ("reject", "Reject"), ("spam", "Spam")]

    action = forms.ChoiceField(choices=ACTIONS)
    # The revision of the text the queue showed: a decision is on what was read.
    revision = forms.IntegerField(min_value=1, max_value=LARGEST_ID, widget=forms.HiddenInput)


class SeenCommentsField(forms.Field):
    """The ticked boxes of the queue, each "ID:REVISION" as shown; anything else is left out."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> dict[int, int]:
        number = forms.IntegerField(min_value=1, max_value=LARGEST_ID)
        seen = {}
        for raw in value or []:
            comment_id, _, revision = str(raw).partition(":")
            try:
                seen[number.clean(comment_id)] = number.clean(revision)
            except forms.ValidationError:
                continue
        return seen


class BulkDecisionForm(DecisionForm):
    revision = None
    comments = SeenCommentsField()


class CommenterForm(forms.Form):
    email = forms.EmailField(label="Commenter's email")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class RulesForm(forms.ModelForm):
    """A model form, so the limits are the column's own (a small positive number of links)."""

    class Meta:
        model = ModerationRules
        fields = ["max_links", "listed_words"]
        labels = {
            "max_links": "Flag comments with more links than",
            "listed_words": "Listed words (one per line)",
        }
        help_texts = {"max_links": "", "listed_words": ""}
        widgets = {"listed_words": forms.Textarea(attrs={"rows": 8})}
