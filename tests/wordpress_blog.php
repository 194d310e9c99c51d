<?php
/*
 * Installs the WordPress test blog into the database that wp-config.php names: 16 posts with
 * 137 threaded comments, five top-level comments a page, the Twenty Twenty-One theme and
 * date-and-name permalinks (a common setup, and one that makes WordPress print its traps:
 * a ?replytocom= link under every comment, /comment-page-N/ pages, feeds, wp-json links).
 *
 * Run by tests/wordpress.py with php-cli, ABSPATH set by the site's auto_prepend_file. Nothing
 * here depends on the port the blog is later served on: wp-config.php sets WP_HOME.
 */

define('WP_INSTALLING', true);
require_once ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

// The installer probes the site over HTTP (pretty permalinks, loopback checks): not here.
add_filter('pre_http_request', function () {
    return new WP_Error('offline', 'the test blog makes no HTTP requests');
});

wp_install('Regenera Clinic Blog', 'editor', 'editor@regenera.test', true, '', 'not-a-secret');

// Start from an empty blog: the installer's "Hello world!" post and its comment go.
foreach (get_posts(['post_type' => 'post', 'post_status' => 'any', 'numberposts' => -1]) as $post) {
    wp_delete_post($post->ID, true);
}

update_option('blogdescription', 'Notes from a regenerative medicine clinic');
update_option('thread_comments', 1);
update_option('thread_comments_depth', 5);
update_option('page_comments', 1);
update_option('comments_per_page', 5);
update_option('default_comments_page', 'newest');
update_option('close_comments_for_old_posts', 0);
update_option('comment_registration', 0);
update_option('show_avatars', 0);  // Gravatar would be an off-site fetch for every comment
switch_theme('twentytwentyone');

global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%year%/%monthnum%/%day%/%postname%/');
$wp_rewrite->flush_rules(false);  // rules into the database only: Apache's config has them

$topics = [
    'Stem cell therapy for knee osteoarthritis',
    'What to expect at your first consultation',
    'Platelet-rich plasma for tendon injuries',
    'Our treatment protocol, step by step',
    'Questions patients ask about prices',
    'Recovery after a joint injection',
    'A patient story: back to running',
    'How we choose who we treat',
    'Regenerative medicine and back pain',
    'What the research says about cartilage',
    'Travelling to the clinic',
    'Preparing for your procedure',
    'Shoulder injuries and biologic treatments',
    'Why follow-up visits matter',
    'Hip pain: options before surgery',
    'Meet the team',
];
$categories = [
    wp_create_category('Treatments'),
    wp_create_category('Patients'),
    wp_create_category('Clinic news'),
];
$names = ['Ana', 'Ben', 'Carla', 'Dev', 'Eva', 'Femi', 'Gus', 'Hana', 'Ivo'];

$total = 0;
foreach ($topics as $i => $title) {
    $day = sprintf('2025-%02d-%02d 09:%02d:00', 1 + intdiv($i, 2), 3 + 10 * ($i % 2), $i);
    $post_id = wp_insert_post([
        'post_title' => $title,
        'post_content' => "<!-- wp:paragraph --><p>$title: what we do, and why.</p><!-- /wp:paragraph -->"
            . '<!-- wp:paragraph --><p>Every treatment starts with a consultation and an '
            . 'examination; we explain the evidence, the costs and the risks.</p>'
            . '<!-- /wp:paragraph -->',
        'post_status' => 'publish',
        'post_date' => $day,
        'post_category' => [$categories[$i % 3]],
        'tags_input' => ['regenerative medicine', $i % 2 ? 'joints' : 'recovery'],
        'comment_status' => 'open',
    ]);
    // 137 comments: nine under each of the first nine posts, eight under the others. Every
    // third one answers the comment before it, so threads nest and pages hold replies.
    $count = $i < 9 ? 9 : 8;
    $previous = 0;
    for ($c = 0; $c < $count; $c++) {
        $previous = wp_insert_comment([
            'comment_post_ID' => $post_id,
            'comment_parent' => $c % 3 === 2 ? $previous : 0,
            'comment_author' => $names[($i + $c) % count($names)],
            'comment_author_email' => 'reader' . $c . '@example.test',
            'comment_content' => "Comment $c on \"$title\": thank you, this helped.",
            'comment_date' => sprintf('2025-%02d-%02d 1%d:00:00', 1 + intdiv($i, 2), 4 + 10 * ($i % 2), $c),
            'comment_approved' => 1,
        ]);
        $total++;
    }
}
if ($total !== 137 || count($topics) !== 16) {
    fwrite(STDERR, "the blog has $total comments on " . count($topics) . " posts\n");
    exit(1);
}
