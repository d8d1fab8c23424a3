// Chinese queries in Material for MkDocs 9.x search: the search worker splits a run of Chinese
// characters into words found in the index, but it never tries the whole run and it drops the
// run's last character ("会议纪要" is searched as "会议", "用印" as "用"). Appending one character
// that is never indexed (〇, U+3007) lets the whole query, or a correct split of it, come through.
// The patch is on the prototype, so it also applies to the worker Material created before us.
(function () {
  var SENTINEL = "\u3007";
  var post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message) {
    if (message && message.type === 2 && typeof message.data === "string") {
      var query = message.data.replace(/\p{sc=Han}+/gu, function (run) { return run + SENTINEL; });
      message = Object.assign({}, message, { data: query });
    }
    return post.apply(this, [message].concat(Array.prototype.slice.call(arguments, 1)));
  };
})();
